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

/// <summary>One setting as a change left it: its value before and after (null: not set, so the knob's default).</summary>
[GenerateSerializer, Immutable, Alias("risk.setting-change.v1")]
public sealed record SettingChange(
    [property: Id(0)] double? Before,
    [property: Id(1)] double? After);

/// <summary>A version that changed settings: who changed what, and every setting it put in force.</summary>
[GenerateSerializer, Immutable, Alias("risk.policy-version.v1")]
public sealed record PolicyVersion(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTime At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string? Reason,
    [property: Id(4)] IReadOnlyDictionary<string, SettingChange> Changed,
    [property: Id(5)] IReadOnlyDictionary<string, double> Settings);

/// <param name="Current">The version in force.</param>
/// <param name="Oldest">The oldest version whose settings can still be brought back: every settings change since is kept.</param>
/// <param name="Versions">The latest versions that changed settings, newest first.</param>
[GenerateSerializer, Immutable, Alias("risk.policy-versions.v1")]
public sealed record PolicyVersions(
    [property: Id(0)] long Current,
    [property: Id(1)] long Oldest,
    [property: Id(2)] IReadOnlyList<PolicyVersion> Versions);

/// <summary>
/// A candidate policy in shadow: the live policy with <see cref="Set"/> over it. Every decision is also made under it
/// and compared, and only the live one is enforced.
/// </summary>
/// <param name="Id">Counts up with each shadow set, so pushes and reports of an earlier one are told apart.</param>
/// <param name="Ended">When it was cleared; null while it is in force.</param>
[GenerateSerializer, Immutable, Alias("risk.shadow-policy.v1")]
public sealed record ShadowPolicy(
    [property: Id(0)] long Id,
    [property: Id(1)] IReadOnlyDictionary<string, double> Set,
    [property: Id(2)] DateTime Since,
    [property: Id(3)] string Actor,
    [property: Id(4)] string? Reason,
    [property: Id(5)] DateTime? Ended = null)
{
    public bool Active => Ended is null;
}

/// <summary>How many decisions went from one action under the live policy to another under the candidate, and a few accounts that did.</summary>
[GenerateSerializer, Immutable, Alias("risk.shadow-pair.v1")]
public sealed record ShadowPair(
    [property: Id(0)] DecisionAction Live,
    [property: Id(1)] DecisionAction Candidate,
    [property: Id(2)] long Count,
    [property: Id(3)] IReadOnlyList<string> Examples);

/// <summary>Decisions compared under the live and the shadow policy, and those whose action differed, per pair of actions.</summary>
[GenerateSerializer, Immutable, Alias("risk.shadow-counts.v1")]
public sealed record ShadowCounts(
    [property: Id(0)] long Compared,
    [property: Id(1)] IReadOnlyList<ShadowPair> Changed)
{
    public static readonly ShadowCounts None = new(0, []);

    /// <summary>A few accounts per pair are enough to look at; more would only grow what every gateway sends.</summary>
    public const int ExamplesPerPair = 5;
}
