namespace Risk.Simulation;

/// <summary>Detection quality on labelled traffic: what `risk evaluate` prints. Flagged means challenge or block.</summary>
/// <param name="Precision">Flagged accounts that are malicious, over all flagged accounts.</param>
/// <param name="BenignFlagRate">Benign accounts flagged, over all benign accounts.</param>
/// <param name="ReplacementMedianRequests">Median requests a replacement account sent up to and including the one it was flagged on.</param>
public sealed record Evaluation(
    IReadOnlyList<CohortResult> Cohorts,
    int Accounts,
    int Flagged,
    double Precision,
    double BenignFlagRate,
    int Replacements,
    int ReplacementsFlagged,
    double? ReplacementMedianRequests,
    IReadOnlyList<CampaignCluster> Campaigns);

/// <param name="FlagRate">Recall for an attack cohort; the false-positive rate for a benign one.</param>
/// <param name="MedianRequestsToFlag">Median, over the cohort's flagged accounts, of the requests sent up to the flag.</param>
/// <param name="Throttled">Accounts whose action is throttle: not flagged, but slowed down.</param>
public sealed record CohortResult(
    string Cohort,
    bool Malicious,
    int Accounts,
    int Flagged,
    double FlagRate,
    double? MedianRequestsToFlag,
    int Throttled);

/// <summary>The cluster that holds most of a campaign's accounts, and how clean it is.</summary>
/// <param name="Purity">The campaign's accounts in the cluster, over all accounts in it.</param>
/// <param name="Coverage">The campaign's accounts in the cluster, over all the campaign's accounts.</param>
public sealed record CampaignCluster(
    string Campaign,
    string? ClusterId,
    int ClusterAccounts,
    int CampaignAccountsInCluster,
    int CampaignAccounts,
    double Purity,
    double Coverage);

/// <summary>One account's standing at the end of a replay, as `risk replay --export-accounts` writes it.</summary>
/// <param name="Action">allow, throttle, challenge or block.</param>
/// <param name="FirstFlaggedAt">The event time at which the account was first challenged or blocked.</param>
public sealed record AccountOutcome(string Account, string Action, string? Cluster, DateTime? FirstFlaggedAt)
{
    /// <summary>Challenged or blocked.</summary>
    public bool Flagged => Action is "challenge" or "block";

    public bool Throttled => Action == "throttle";
}
