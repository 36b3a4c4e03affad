namespace Risk.Contracts;

/// <summary>
/// A gateway's decision cache. Replicas (<see cref="IRiskReplicaGrain"/>) call it when their entity's part of a
/// decision changed materially, so cached decisions are dropped at once instead of waiting for a TTL.
/// </summary>
[Alias("risk.IDecisionObserver")]
public interface IDecisionObserver : IGrainObserver
{
    /// <param name="key">The entity's grain key (<see cref="GrainKeys"/>).</param>
    [Alias("Invalidate"), OneWay]
    Task Invalidate(EntityKind kind, string key);
}
