using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// What kind of evidence each reason is. One kind of extraction content alone is how students, labs and writers
/// use the API too; a second kind, behaviour a person does not show, or a cluster's risk or a campaign flag corroborates it.
/// </summary>
public static class ReasonFamilies
{
    /// <summary>What the prompts ask for.</summary>
    public static bool IsContent(string code) => code is ReasonCodes.CotElicitation or ReasonCodes.RubricGrading
        or ReasonCodes.AgenticExtraction or ReasonCodes.SensitiveRewrite or ReasonCodes.TemplateReuse;

    /// <summary>Content, or the account being new: together they are what a fresh student looks like, so they share one cap.</summary>
    public static bool IsContentOrNew(string code) => IsContent(code) || code == ReasonCodes.NewAccount;

    /// <summary>
    /// Behaviour a person does not show: volume, machine timing, round-the-clock hours, many addresses. Not long
    /// outputs (they are what step-by-step requests get) and not an early move to a new model (enthusiasts and
    /// students adopt early too): those add points but never corroborate content.
    /// </summary>
    public static bool IsBehaviour(string code) => code is ReasonCodes.HighVolume or ReasonCodes.HighTokenVolume
        or ReasonCodes.MachineTiming or ReasonCodes.RoundTheClock or ReasonCodes.ManyIps;

    /// <summary>Evidence across accounts: a cluster's risk, a remembered campaign flag, or a content ring.</summary>
    public static bool IsCampaign(string code) => code is ReasonCodes.ClusterRisk or ReasonCodes.CampaignMember or ReasonCodes.ModelPivot
        or ReasonCodes.ContentRing;

    /// <summary>
    /// 0 to 1: how far an account's own evidence is corroborated. Two kinds of content, or evidence across accounts, in
    /// full; behaviour in proportion to its points, in full at <see cref="Knobs.AccountCorroborationPoints"/>.
    /// </summary>
    public static double Corroboration(PolicyView policy, IReadOnlyList<ReasonScore> reasons)
    {
        string? content = null;
        for (var i = 0; i < reasons.Count; i++)
        {
            var code = reasons[i].Code;
            if (IsCampaign(code)) return 1;
            if (!IsContent(code)) continue;
            if (content is null) content = code;
            else if (content != code) return 1;
        }
        return Math.Min(1, Evidence.Combine(reasons, IsBehaviour) / policy[Knobs.AccountCorroborationPoints]);
    }
}
