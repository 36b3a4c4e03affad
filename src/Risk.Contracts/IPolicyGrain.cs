namespace Risk.Contracts;

/// <summary>
/// The cluster's one policy (key <see cref="Default"/>): thresholds and weights, versioned, with a history.
/// Operator overrides go through it too: it writes the override to the entity it governs, records it, bumps the
/// version and tells every silo before it acknowledges.
/// </summary>
[Alias("risk.IPolicyGrain")]
public interface IPolicyGrain : IGrainWithStringKey
{
    const string Default = "default";

    [Alias("Get"), ReadOnly, AlwaysInterleave]
    Task<RiskPolicy> Get();

    /// <exception cref="ArgumentException">Unknown key or value out of range.</exception>
    [Alias("Set")]
    Task<RiskPolicy> Set(string key, double value, string actor);

    [Alias("SetOverride")]
    Task<RiskPolicy> SetOverride(EntityKind kind, string id, OverrideAction action, string actor);

    [Alias("History"), ReadOnly, AlwaysInterleave]
    Task<IReadOnlyList<PolicyChange>> History(int max);

    [Alias("Subscribe")]
    Task Subscribe(IPolicyObserver observer);
}

/// <summary>Each silo's policy cache listens on this to see changes at once.</summary>
[Alias("risk.IPolicyObserver")]
public interface IPolicyObserver : IGrainObserver
{
    [Alias("PolicyChanged")]
    Task PolicyChanged(RiskPolicy policy);
}
