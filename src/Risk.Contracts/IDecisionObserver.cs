namespace Risk.Contracts;

/// <summary>
/// A gateway's decision cache. Replicas (<see cref="IRiskReplicaGrain"/>) push their entity's risk to it when it
/// changed materially: cached decisions made from the old risk are dropped at once, and the next is made from the
/// pushed one without a call.
/// </summary>
[Alias("risk.IDecisionObserver")]
public interface IDecisionObserver : IGrainObserver
{
    /// <param name="key">The entity's grain key (<see cref="GrainKeys"/>).</param>
    /// <param name="risk">The entity's risk now; null when the replica went, and this gateway's watch with it.</param>
    [Alias("Changed"), OneWay]
    Task Changed(EntityKind kind, string key, EntityRisk? risk);
}
