namespace Risk.Simulation;

/// <summary>
/// Detection quality on labelled traffic: what `risk evaluate` prints. Flagged means challenge or block. An attack
/// account counts as caught if it is flagged at the end of the window; a benign account counts as hurt if it was
/// flagged at any time (it has a first-flagged time), even if it was let go later.
/// </summary>
/// <param name="Precision">Flagged accounts that are malicious, over all flagged accounts, at the end.</param>
/// <param name="BenignFlagRate">Benign accounts flagged at the end, over all benign accounts.</param>
/// <param name="BenignFlaggedEverRate">Benign accounts flagged at any time, over all benign accounts: the users hurt.</param>
/// <param name="ReplacementMedianRequests">Median requests a replacement account sent up to and including the one it was flagged on.</param>
public sealed record Evaluation(
    IReadOnlyList<CohortResult> Cohorts,
    int Accounts,
    int Flagged,
    double Precision,
    double BenignFlagRate,
    double BenignFlaggedEverRate,
    int Replacements,
    int ReplacementsFlagged,
    double? ReplacementMedianRequests,
    IReadOnlyList<CampaignCluster> Campaigns);

/// <param name="Flagged">Accounts flagged at the end of the window.</param>
/// <param name="FlagRate">Of the cohort, flagged at the end: recall for an attack cohort.</param>
/// <param name="FlaggedEver">Accounts flagged at any time.</param>
/// <param name="FlaggedEverRate">Of the cohort, flagged at any time: for a benign cohort, the share hurt.</param>
/// <param name="MedianRequestsToFlag">Median, over the cohort's flagged accounts, of the requests sent up to the flag.</param>
/// <param name="Throttled">Accounts whose action is throttle: not flagged, but slowed down.</param>
public sealed record CohortResult(
    string Cohort,
    bool Malicious,
    int Accounts,
    int Flagged,
    double FlagRate,
    int FlaggedEver,
    double FlaggedEverRate,
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

    /// <summary>Challenged or blocked at some time, if not now.</summary>
    public bool FlaggedEver => Flagged || FirstFlaggedAt is not null;

    public bool Throttled => Action == "throttle";
}
