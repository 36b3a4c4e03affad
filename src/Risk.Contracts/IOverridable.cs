namespace Risk.Contracts;

/// <summary>An entity an operator can allow or block outright. Set only through <see cref="IPolicyGrain.SetOverride"/>.</summary>
[Alias("risk.IOverridable")]
public interface IOverridable : IGrainWithStringKey
{
    /// <summary>Written through to storage before it returns.</summary>
    [Alias("SetOverride")]
    Task SetOverride(OverrideAction action);
}
