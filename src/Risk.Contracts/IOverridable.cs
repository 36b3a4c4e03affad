namespace Risk.Contracts;

/// <summary>
/// An account, IP or proxy: an operator can allow or block it outright (only through
/// <see cref="IPolicyGrain.SetOverride"/>), and gateways can watch it for changes to their cached decisions.
/// </summary>
[Alias("risk.IOverridable")]
public interface IOverridable : IGrainWithStringKey
{
    /// <summary>Tells <paramref name="observer"/> when this entity's risk changes materially, for <see cref="WatchFor"/>; renew before then.</summary>
    [Alias("Watch")]
    Task Watch(IDecisionObserver observer);

    static readonly TimeSpan WatchFor = TimeSpan.FromMinutes(5);

    /// <summary>Written through to storage before it returns.</summary>
    [Alias("SetOverride")]
    Task SetOverride(OverrideAction action);
}
