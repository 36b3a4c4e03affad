namespace Risk.Contracts;

/// <summary>
/// An account's measured behaviour as of its latest event, in plain units. Content shares are over the last day and
/// the early-model share over the last hours, both decayed.
/// </summary>
[GenerateSerializer, Immutable, Alias("risk.account-signals.v1")]
public sealed record AccountSignals(
    [property: Id(0)] long Events,
    [property: Id(1)] double Prompts,
    [property: Id(2)] double CotShare,
    [property: Id(3)] double RubricShare,
    [property: Id(4)] double AgenticShare,
    [property: Id(5)] double SensitiveShare,
    [property: Id(6)] double TemplateReuseShare,
    [property: Id(7)] double RequestsPerDay,
    [property: Id(8)] double Gaps,
    [property: Id(9)] double GapSpread,
    [property: Id(10)] int ActiveHours,
    [property: Id(11)] double DistinctIps,
    [property: Id(12)] double DistinctAsns,
    [property: Id(13)] double Tokens,
    [property: Id(14)] double OutputToInput,
    [property: Id(15)] double? AgeDays,
    [property: Id(16)] AccountTier Tier,
    [property: Id(17)] double EarlyModelShare,
    [property: Id(18)] double TokensPerDay,
    [property: Id(19)] double RecentRequests = 0);

/// <summary>Why an account stands where it does: what `risk explain` prints.</summary>
/// <param name="Own">The account's own signals' contributions.</param>
/// <param name="Cluster">The cluster it belongs to, with that cluster's contributions.</param>
/// <param name="Ip">The risk of the IP its latest request came from.</param>
/// <param name="Proxy">The risk of the proxy its latest request came through.</param>
/// <param name="Campaign">The campaign memory holding it flagged, if any.</param>
/// <param name="Ring">What a content family said of it, while that holds.</param>
[GenerateSerializer, Immutable, Alias("risk.account-explanation.v1")]
public sealed record AccountExplanation(
    [property: Id(0)] AccountVerdict Verdict,
    [property: Id(1)] AccountSignals Signals,
    [property: Id(2)] EntityRisk Own,
    [property: Id(3)] ClusterRisk? Cluster,
    [property: Id(4)] EntityRisk? Ip,
    [property: Id(5)] EntityRisk? Proxy,
    [property: Id(6)] CampaignMark? Campaign = null,
    [property: Id(7)] RingMark? Ring = null);

/// <summary>A content family's word that the account is one of a ring: which family, how many ring-like accounts, since when, and until when unless the family says it again (event time).</summary>
[GenerateSerializer, Immutable, Alias("risk.ring-mark")]
public sealed record RingMark(
    [property: Id(0)] string Family,
    [property: Id(1)] int Members,
    [property: Id(2)] DateTime Since,
    [property: Id(3)] DateTime Until);

/// <summary>A remembered campaign flag: why, how many points it holds the account at, since when, and until when unless evidence renews it (event time).</summary>
[GenerateSerializer, Immutable, Alias("risk.campaign-mark")]
public sealed record CampaignMark(
    [property: Id(0)] string Reason,
    [property: Id(1)] double Points,
    [property: Id(2)] DateTime Since,
    [property: Id(3)] DateTime Until);
