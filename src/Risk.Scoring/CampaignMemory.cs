using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>
/// Keeps an account flagged once a campaign is established around it. Evidence that lives in sliding windows
/// (a launch day's model switch, a day's share of extraction prompts) passes with the window while the account
/// goes on extracting; a window passing is not an answer to the evidence. So a flag that other accounts
/// corroborate (its cluster's members flagged by their own signals, or the flagged traffic of its IP or proxy) is
/// remembered at the score it had, renewed by each later corroborated flag, and forgotten when an operator
/// answers it or when nothing renewed it for <see cref="Knobs.CampaignMemoryDays"/> of the account's own event time.
/// One account's own evidence never sets it: a student's hour of homework is not a campaign.
/// </summary>
public sealed class CampaignMemory
{
    /// <summary><see cref="ReasonCodes.CampaignMember"/> or <see cref="ReasonCodes.ModelPivot"/>; null when nothing is remembered.</summary>
    public string? Reason { get; set; }
    public double Points { get; set; }
    public DateTime Since { get; set; }
    public DateTime RenewedAt { get; set; }

    public bool IsSet => Reason is not null;

    /// <summary>Whether a flag with this much corroboration across accounts is a campaign's.</summary>
    /// <param name="cluster">The account's cluster as last heard.</param>
    /// <param name="ip">The risk of the IP of its latest request.</param>
    /// <param name="proxy">The risk of the proxy of its latest request.</param>
    public static bool Corroborates(PolicyView policy, ClusterRisk? cluster, EntityRisk? ip, EntityRisk? proxy) =>
        cluster is { } c && c.FlaggedMembers >= policy[Knobs.CampaignMinFlaggedMembers] && Has(c.Risk, ReasonCodes.ClusterRisk)
        || ip is not null && Has(ip, ReasonCodes.FlaggedMembers)
        || proxy is not null && Has(proxy, ReasonCodes.FlaggedMembers);

    /// <summary>Remembers or renews a corroborated flag of <paramref name="decision"/>, made on fresh evidence at <paramref name="at"/>.</summary>
    public void Remember(PolicyView policy, Decision decision, DateTime at)
    {
        var pivot = decision.Reasons.Contains(ReasonCodes.EarlyModelSwitch);
        // A memory that lapsed is a new one: its old score and reason say nothing of this flag.
        if (!IsActive(policy, at)) Forget();
        if (!IsSet)
        {
            Since = at;
            Points = 0;
        }
        // A pivot stays a pivot: the switch is what set it, and later renewals no longer see the launch day.
        if (Reason != ReasonCodes.ModelPivot) Reason = pivot ? ReasonCodes.ModelPivot : ReasonCodes.CampaignMember;
        Points = Math.Max(Points, decision.Score);
        if (at > RenewedAt) RenewedAt = at;
    }

    /// <summary>Renewed within the hour before <paramref name="at"/>, in event time.</summary>
    public bool RenewedRecently(DateTime at) => IsSet && at - RenewedAt < TimeSpan.FromHours(1) && at >= RenewedAt;

    public void Forget()
    {
        Reason = null;
        Points = 0;
        Since = RenewedAt = default;
    }

    public bool IsActive(PolicyView policy, DateTime at) => IsSet && at < Until(policy);

    public DateTime Until(PolicyView policy) => RenewedAt + TimeSpan.FromDays(policy[Knobs.CampaignMemoryDays]);

    /// <summary>Adds the remembered flag to an assessment as of <paramref name="at"/>, the account's latest event.</summary>
    public void AddTo(Assessment assessment, PolicyView policy, DateTime at)
    {
        if (IsActive(policy, at)) assessment.Add(Reason!, Points, 1);
    }

    public CampaignMark? Mark(PolicyView policy, DateTime at) =>
        IsActive(policy, at) ? new CampaignMark(Reason!, Points, Since, Until(policy)) : null;

    private static bool Has(EntityRisk risk, string code)
    {
        foreach (var r in risk.Reasons)
            if (r.Code == code) return true;
        return false;
    }
}
