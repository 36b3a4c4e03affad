namespace Risk.Contracts;

[GenerateSerializer, Alias("risk.action")]
public enum DecisionAction : byte
{
    Allow = 0,
    Throttle = 1,
    Challenge = 2,
    Block = 3,
}

/// <summary>The answer a gateway gets for one request.</summary>
/// <param name="Score">0 to 100.</param>
/// <param name="Reasons">Stable reason codes, strongest first.</param>
/// <param name="PolicyVersion">The version of the policy that produced this decision.</param>
[GenerateSerializer, Immutable, Alias("risk.decision.v1")]
public sealed record Decision(
    [property: Id(0)] DecisionAction Action,
    [property: Id(1)] int Score,
    [property: Id(2)] IReadOnlyList<string> Reasons,
    [property: Id(3)] long PolicyVersion)
{
    public bool IsFlagged => Action >= DecisionAction.Challenge;
}

/// <summary>An account's standing as of its latest event, as `risk replay --export-accounts` writes it.</summary>
/// <param name="Ja4">The client fingerprint of the latest request that carried one.</param>
/// <param name="Ip">The IP of its latest request; <paramref name="Proxy"/> the proxy, and <paramref name="Payment"/> the
/// payment fingerprint its events last named.</param>
[GenerateSerializer, Immutable, Alias("risk.account-verdict.v1")]
public sealed record AccountVerdict(
    [property: Id(0)] string Account,
    [property: Id(1)] Decision Decision,
    [property: Id(2)] string? Cluster,
    [property: Id(3)] DateTime? FirstFlaggedAt,
    [property: Id(4)] long Events,
    [property: Id(5)] DateTime? LastEventAt,
    [property: Id(6)] string? Ja4 = null,
    [property: Id(7)] string? Ip = null,
    [property: Id(8)] string? Proxy = null,
    [property: Id(9)] string? Payment = null);

/// <summary>What one entity grain (account, IP, proxy, cluster) contributes to a decision.</summary>
/// <param name="Score">0 to 100, from this entity's own signals.</param>
/// <param name="Reasons">Reason codes with the points each added.</param>
/// <param name="Override">An operator's override for this entity, if any.</param>
/// <param name="Events">How many events this entity has seen.</param>
/// <param name="Accounts">For an IP or proxy, about how many distinct accounts it has carried; 0 otherwise.</param>
/// <param name="PolicyVersion">The policy version its points were weighed under (0: unknown). A decision that names
/// version N is made only from risks weighed under N.</param>
[GenerateSerializer, Immutable, Alias("risk.entity-risk.v1")]
public sealed record EntityRisk(
    [property: Id(0)] double Score,
    [property: Id(1)] IReadOnlyList<ReasonScore> Reasons,
    [property: Id(2)] OverrideAction Override = OverrideAction.None,
    [property: Id(3)] long Events = 0,
    [property: Id(4)] int Accounts = 0,
    [property: Id(5)] long PolicyVersion = 0);

[GenerateSerializer, Immutable, Alias("risk.reason-score")]
public sealed record ReasonScore([property: Id(0)] string Code, [property: Id(1)] double Points);
