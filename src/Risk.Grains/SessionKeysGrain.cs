using Risk.Contracts;

namespace Risk.Grains;

public sealed class SessionKeysState
{
    public List<string> Keys { get; set; } = [];
}

/// <summary>
/// The console's key ring. Data protection adds a key about every 90 days and keeps using the old ones to read what they
/// sealed until they expire, so the latest <see cref="Kept"/> are far more than any session needs, and the state stays
/// small.
/// </summary>
public sealed class SessionKeysGrain(
    [PersistentState("session-keys", RiskGrainOptions.StorageName)] IPersistentState<SessionKeysState> state) : Grain, ISessionKeysGrain
{
    public const int Kept = 20;

    public Task<IReadOnlyList<string>> All() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Keys]);

    public async Task Add(string xml)
    {
        var keys = state.State.Keys;
        keys.Add(xml);
        if (keys.Count > Kept) keys.RemoveRange(0, keys.Count - Kept);
        await state.WriteStateAsync();
    }
}
