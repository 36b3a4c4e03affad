namespace Risk.Contracts;

/// <summary>
/// An account, IP or proxy: an operator can allow or block it outright (only through
/// <see cref="IPolicyGrain.SetOverride"/>), and replicas watch it for changes (<see cref="IRiskReplicaGrain"/>).
/// </summary>
[Alias("risk.IOverridable")]
public interface IOverridable : IGrainWithStringKey
{
    /// <summary>
    /// Pushes this entity's risk to <paramref name="replica"/> (<see cref="IRiskReplicaGrain.Changed"/>) whenever
    /// it changes materially, for <see cref="WatchFor"/> (renew before then), and returns its risk now. The watch
    /// and the read happen in one turn, so no change after the read can go unpushed. Interleaves, so a replica's
    /// read never queues behind an ingest batch.
    /// </summary>
    [Alias("Watch"), AlwaysInterleave]
    Task<EntityRisk> Watch(IRiskReplicaGrain replica);

    static readonly TimeSpan WatchFor = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a watcher trusts a watch it took: short of <see cref="WatchFor"/>, so that a push sent just before
    /// it lapsed is in. Replicas and gateways both go by it.
    /// </summary>
    static readonly TimeSpan TrustFor = WatchFor * 0.9;

    /// <summary>Written through to storage before it returns.</summary>
    [Alias("SetOverride")]
    Task SetOverride(OverrideAction action);
}
