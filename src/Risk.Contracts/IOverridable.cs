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

    /// <summary>Written through to storage before it returns; if the write fails, the override before stays in force.</summary>
    /// <param name="expires">When the override lapses by itself (UTC); null for never. Ignored for <see cref="OverrideAction.None"/>.</param>
    /// <returns>The override it replaced, so that a caller whose own record of the change failed can put it back.</returns>
    [Alias("SetOverride"), AdminOnly]
    Task<OverrideSetting> SetOverride(OverrideAction action, DateTime? expires = null);
}

/// <summary>An operator's override of one entity, and when it lapses (UTC; null for never).</summary>
[GenerateSerializer, Immutable, Alias("risk.override-setting.v1")]
public sealed record OverrideSetting([property: Id(0)] OverrideAction Action, [property: Id(1)] DateTime? Expires = null)
{
    /// <summary>The override in force at <paramref name="utcNow"/>: none once it has lapsed.</summary>
    public OverrideAction At(DateTime utcNow) => Expires is { } until && utcNow >= until ? OverrideAction.None : Action;
}
