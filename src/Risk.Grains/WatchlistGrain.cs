using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Grains;

public sealed class WatchlistState
{
    public Dictionary<string, WatchedAccount> Accounts { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Keeps the flagged accounts as they last told it, at most <see cref="Capacity"/>: past it, the lowest score (then
/// the longest quiet) goes, so a flood of marginal flags never pushes out the accounts that matter most.
/// </summary>
public sealed class WatchlistGrain(
    [PersistentState("watchlist", RiskGrainOptions.StorageName)] IPersistentState<WatchlistState> state,
    IOptions<RiskGrainOptions> options) : WriteBehindGrain<WatchlistState>(state, options), IWatchlistGrain
{
    /// <summary>Some 200 bytes each: the whole list stays well inside one Azure Table entity.</summary>
    public const int Capacity = 1000;

    public Task Note(WatchedAccount account)
    {
        var accounts = State.Accounts;
        if (!account.IsFlagged)
        {
            if (accounts.Remove(account.Account)) MarkDirty();
            return Task.CompletedTask;
        }
        // A note delayed behind a later one of the same account is stale.
        if (accounts.TryGetValue(account.Account, out var known) && known.At > account.At) return Task.CompletedTask;
        accounts[account.Account] = account;
        if (accounts.Count > Capacity)
            accounts.Remove(accounts.Values.MinBy(a => (a.Score, a.At))!.Account);
        MarkDirty();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WatchedAccount>> Flagged(int max) =>
        Task.FromResult<IReadOnlyList<WatchedAccount>>(
            [.. State.Accounts.Values.OrderByDescending(a => a.Score).ThenByDescending(a => a.At).Take(Math.Max(0, max))]);
}
