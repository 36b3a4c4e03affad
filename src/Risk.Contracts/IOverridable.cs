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
    /// it changes materially, for <see cref="WatchTerms.Span"/> (renew before then), and returns its risk now. The watch
    /// and the read happen in one turn, so no change after the read can go unpushed. Interleaves, so a replica's
    /// read never queues behind an ingest batch.
    /// </summary>
    /// <param name="policyVersion">The newest policy version the caller knows: the risk is weighed under it or a newer one.</param>
    [Alias("Watch"), AlwaysInterleave]
    Task<EntityRisk> Watch(IRiskReplicaGrain replica, long policyVersion);

    /// <summary>Written through to storage before it returns.</summary>
    [Alias("SetOverride"), AdminOnly]
    Task SetOverride(OverrideAction action);
}
