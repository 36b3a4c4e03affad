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

    /// <summary>The latest <paramref name="max"/> versions that changed settings, newest first, each with the settings it put in force.</summary>
    [Alias("Versions"), ReadOnly, AlwaysInterleave]
    Task<PolicyVersions> Versions(int max);

    /// <summary>The settings in force at <paramref name="version"/>, rebuilt from the settings changes kept since.</summary>
    /// <exception cref="ArgumentException">No such version, or one older than every change kept can bring back.</exception>
    [Alias("At"), ReadOnly, AlwaysInterleave]
    Task<RiskPolicy> At(long version);

    /// <summary>Brings back the settings of <paramref name="version"/> as a new version. Overrides are not settings: they stay.</summary>
    /// <exception cref="ArgumentException">A version that cannot be rebuilt, or whose settings are the ones in force.</exception>
    [Alias("Rollback"), AdminOnly]
    Task<RiskPolicy> Rollback(long version, string actor, string? reason);

    /// <summary>
    /// Puts a candidate in shadow: the live policy with <paramref name="settings"/> over it. Decisions are then made under
    /// both and compared; only the live policy is enforced. Replaces a shadow already set.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown key, a value out of range, settings that make no sense with the live
    /// policy, or a knob a decision cannot be weighed under from the risks it reads.</exception>
    [Alias("SetShadow"), AdminOnly]
    Task<ShadowPolicy> SetShadow(IReadOnlyDictionary<string, double> settings, string actor, string? reason);

    /// <summary>Ends the shadow; its report stays readable until the next one is set. Null when none was in force.</summary>
    [Alias("ClearShadow"), AdminOnly]
    Task<ShadowPolicy?> ClearShadow(string actor, string? reason);

    /// <summary>The latest shadow, in force or ended; null if none was ever set.</summary>
    [Alias("GetShadow"), ReadOnly, AlwaysInterleave]
    Task<ShadowPolicy?> GetShadow();

    [Alias("Subscribe")]
    Task Subscribe(IPolicyObserver observer);
}

/// <summary>Each silo's policy cache listens on this to see changes at once.</summary>
[Alias("risk.IPolicyObserver")]
public interface IPolicyObserver : IGrainObserver
{
    [Alias("PolicyChanged")]
    Task PolicyChanged(RiskPolicy policy);

    /// <summary>A shadow was set or ended. Gateways compare their decisions under it; silos ignore it.</summary>
    [Alias("ShadowChanged")]
    Task ShadowChanged(ShadowPolicy shadow);
}
