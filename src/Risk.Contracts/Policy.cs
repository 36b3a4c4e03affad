namespace Risk.Contracts;

[GenerateSerializer, Alias("risk.override")]
public enum OverrideAction : byte
{
    None = 0,
    Allow = 1,
    Block = 2,
}

[GenerateSerializer, Alias("risk.entity-kind")]
public enum EntityKind : byte
{
    Account = 0,
    Ip = 1,
    Proxy = 2,
}

/// <summary>
/// The thresholds and weights that turn signals into decisions. Settings are named knobs
/// (see the catalogue in Risk.Scoring) so that `risk policy set KEY VALUE` can reach every one of them.
/// </summary>
[GenerateSerializer, Immutable, Alias("risk.policy.v1")]
public sealed record RiskPolicy(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyDictionary<string, double> Settings,
    [property: Id(2)] DateTime UpdatedAt);

/// <summary>One entry of the policy's history: who changed what, and the version it produced.</summary>
[GenerateSerializer, Immutable, Alias("risk.policy-change.v1")]
public sealed record PolicyChange(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTime At,
    [property: Id(2)] string What,
    [property: Id(3)] string? OldValue,
    [property: Id(4)] string? NewValue,
    [property: Id(5)] string Actor,
    [property: Id(6)] string? Reason = null);
