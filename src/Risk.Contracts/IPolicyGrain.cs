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
    [Alias("Set"), AdminOnly]
    Task<RiskPolicy> Set(string key, double value, string actor);

    /// <summary>Several settings at once, as one change and one version: all of them or none.</summary>
    /// <exception cref="ArgumentException">An unknown key, a value out of range, or settings that together make no sense.</exception>
    [Alias("Change"), AdminOnly]
    Task<RiskPolicy> Change(IReadOnlyDictionary<string, double> settings, string actor, string? reason);

    /// <summary>
    /// Sets the override at the entity, then records it here as a new version. If either write fails, neither takes
    /// effect: the entity's override before is put back.
    /// </summary>
    /// <param name="expires">When it lapses by itself (UTC); null for never.</param>
    /// <exception cref="ArgumentException">An id no event could carry (empty, too long, or not an address for an IP), or an expiry already past.</exception>
    [Alias("SetOverride"), AdminOnly]
    Task<RiskPolicy> SetOverride(EntityKind kind, string id, OverrideAction action, string actor, string? reason = null, DateTime? expires = null);

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
