namespace Risk.Contracts;

/// <summary>
/// A copy of one account's, IP's or proxy's risk for gateways' decision misses, kept fresh by the entity's pushes.
/// Replicas live on decisions silos (<c>Risk:Role</c>), so a miss is answered away from the heap that ingest churns;
/// only a replica's first read waits on the entity: changes come pushed with their value, and the watch is renewed
/// behind the answers. Keyed by <see cref="Key"/>.
/// </summary>
[Alias("risk.IRiskReplicaGrain")]
public interface IRiskReplicaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Tells <paramref name="observer"/> of the entity's material changes, as <see cref="IOverridable.Watch"/> does,
    /// and returns its risk. The watch starts before the risk is read, so a change that races the read reaches the
    /// observer, and a gateway's entry made from the answer goes stale rather than wrong.
    /// </summary>
    /// <param name="policyVersion">The newest policy version the caller knows: a copy weighed under an older one is read again.</param>
    [Alias("Watch")]
    Task<EntityRisk> Watch(IDecisionObserver observer, long policyVersion);

    /// <summary>
    /// The entity's push: its risk now, or <c>null</c> when it deactivated and its watch ended with it. The
    /// replica keeps the value and pushes it on to its gateways, which hold it and drop the decisions made from
    /// the old one.
    /// </summary>
    [Alias("Changed"), OneWay]
    Task Changed(EntityRisk? risk);

    /// <param name="key">The entity's grain key (<see cref="GrainKeys"/>).</param>
    static string Key(EntityKind kind, string key) => kind switch
    {
        EntityKind.Account => "account/" + key,
        EntityKind.Ip => "ip/" + key,
        EntityKind.Proxy => "proxy/" + key,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "only accounts, IPs and proxies have replicas"),
    };
}
