namespace Risk.Contracts;

/// <summary>
/// An account, IP or proxy: an operator can allow or block it outright (only through
/// <see cref="IPolicyGrain.SetOverride"/>), and gateways can watch it for changes to their cached decisions.
/// </summary>
[Alias("risk.IOverridable")]
public interface IOverridable : IGrainWithStringKey
{
    /// <summary>
    /// Tells <paramref name="observer"/> when this entity's risk changes materially, for <see cref="WatchFor"/>
    /// (renew before then), and returns its risk now. The watch and the read happen in one turn, so no change
    /// after the read can go untold: a gateway can cache a decision made from it. Interleaves, so a decision never
    /// queues behind an ingest batch.
    /// </summary>
    [Alias("Watch"), AlwaysInterleave]
    Task<EntityRisk> Watch(IDecisionObserver observer);

    static readonly TimeSpan WatchFor = TimeSpan.FromMinutes(5);

    /// <summary>Written through to storage before it returns.</summary>
    [Alias("SetOverride")]
    Task SetOverride(OverrideAction action);
}
