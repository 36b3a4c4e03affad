using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Grains;

public sealed class ModelCatalogState
{
    /// <summary>The earliest first-seen time of any model admitted: what "well after" is measured from.</summary>
    public DateTime? Epoch { get; set; }
    /// <summary>Admitted models: used by enough distinct accounts.</summary>
    public Dictionary<string, DateTime> FirstSeen { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Names not yet used by enough accounts, each with the accounts seen so far and when each first used it.</summary>
    public Dictionary<string, List<ModelUse>> Candidates { get; set; } = new(StringComparer.Ordinal);
}

public sealed record ModelUse(ulong Account, DateTime At);

/// <summary>
/// One small grain for the whole cluster, called once per ingest batch with the batch's distinct models.
/// A model counts as launched when it was first seen at least a day after the epoch: before that, "first seen"
/// only says when Risk started watching. See <see cref="IModelCatalogGrain"/> for what admits a name.
/// </summary>
public sealed class ModelCatalogGrain(
    [PersistentState("models", RiskGrainOptions.StorageName)] IPersistentState<ModelCatalogState> state,
    IOptions<RiskGrainOptions> options) : WriteBehindGrain<ModelCatalogState>(state, options), IModelCatalogGrain
{
    public static readonly TimeSpan WatchingSince = TimeSpan.FromDays(1);

    public Task<IReadOnlyDictionary<string, DateTime>> Observe(IReadOnlyDictionary<string, ModelSighting> sightings)
    {
        var launches = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var (model, sighting) in sightings)
        {
            if (!State.FirstSeen.TryGetValue(model, out var seen))
            {
                if (Admit(model, sighting) is not { } admitted) continue;
                seen = admitted;
            }
            if (State.Epoch is { } epoch && seen - epoch >= WatchingSince) launches[model] = seen;
        }
        MarkDirty();
        return Task.FromResult<IReadOnlyDictionary<string, DateTime>>(launches);
    }

    /// <returns>When the model was first seen, once it is admitted now; null while it is a candidate.</returns>
    private DateTime? Admit(string model, ModelSighting sighting)
    {
        if (State.FirstSeen.Count >= IModelCatalogGrain.MaxModels) return null;
        if (!State.Candidates.TryGetValue(model, out var uses))
        {
            // Full of candidates: the one fewest accounts have used makes room; a fabricated name has one.
            if (State.Candidates.Count >= IModelCatalogGrain.MaxModels)
                State.Candidates.Remove(State.Candidates.MinBy(c => c.Value.Count).Key);
            State.Candidates[model] = uses = [];
        }
        foreach (var account in sighting.Accounts.Take(IModelCatalogGrain.MinAccounts))
        {
            var at = uses.FindIndex(u => u.Account == account);
            if (at < 0) uses.Add(new ModelUse(account, sighting.FirstSeen));
            else if (sighting.FirstSeen < uses[at].At) uses[at] = uses[at] with { At = sighting.FirstSeen };
        }
        if (uses.Count < IModelCatalogGrain.MinAccounts) return null;

        // The median of its accounts' first uses: one account's fabricated timestamp cannot move it.
        var firstSeen = uses.Select(u => u.At).Order().ElementAt(uses.Count / 2);
        State.Candidates.Remove(model);
        State.FirstSeen[model] = firstSeen;
        if (State.Epoch is not { } epoch || firstSeen < epoch) State.Epoch = firstSeen;
        return firstSeen;
    }
}
