namespace Risk.Contracts;

/// <summary>
/// The accounts Risk flags now (challenge or block), as each last told it: what the operators' console lists, what
/// review works through and what indicators are exported from. One for the cluster (key <see cref="Default"/>),
/// bounded to the highest scores; accounts tell it only when their standing changes, one-way.
/// </summary>
[Alias("risk.IWatchlistGrain")]
public interface IWatchlistGrain : IGrainWithStringKey
{
    const string Default = "default";

    /// <summary>An account's standing now; an account no longer flagged leaves the list.</summary>
    [Alias("Note"), OneWay]
    Task Note(WatchedAccount account);

    /// <summary>The flagged accounts, highest score first (then the latest).</summary>
    [Alias("Flagged"), ReadOnly, AlwaysInterleave]
    Task<IReadOnlyList<WatchedAccount>> Flagged(int max);
}

/// <summary>An account's standing as it last told the watchlist.</summary>
/// <param name="Reasons">Its decision's reasons, strongest first.</param>
/// <param name="At">The event time of the account's latest request then.</param>
[GenerateSerializer, Immutable, Alias("risk.watched-account")]
public sealed record WatchedAccount(
    [property: Id(0)] string Account,
    [property: Id(1)] DecisionAction Action,
    [property: Id(2)] double Score,
    [property: Id(3)] IReadOnlyList<string> Reasons,
    [property: Id(4)] string? Cluster,
    [property: Id(5)] string? Ip,
    [property: Id(6)] string? Proxy,
    [property: Id(7)] DateTime At,
    [property: Id(8)] DateTime? FirstFlaggedAt)
{
    public bool IsFlagged => Action >= DecisionAction.Challenge;
}
