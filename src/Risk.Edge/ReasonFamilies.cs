using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// What kind of evidence each reason is. One kind of extraction content alone is how students, labs and writers
/// use the API too; a second kind, behaviour a person does not show, or a cluster's risk corroborates it.
/// </summary>
public static class ReasonFamilies
{
    /// <summary>What the prompts ask for.</summary>
    public static bool IsContent(string code) => code is ReasonCodes.CotElicitation or ReasonCodes.RubricGrading
        or ReasonCodes.AgenticExtraction or ReasonCodes.SensitiveRewrite or ReasonCodes.TemplateReuse;

    /// <summary>
    /// How the account behaves: volume, timing, hours, addresses, an early model switch. Not long outputs: they are
    /// what step-by-step requests get, so they never corroborate them.
    /// </summary>
    public static bool IsBehaviour(string code) => code is ReasonCodes.HighVolume or ReasonCodes.HighTokenVolume
        or ReasonCodes.MachineTiming or ReasonCodes.RoundTheClock or ReasonCodes.ManyIps or ReasonCodes.EarlyModelSwitch;

    /// <summary>Evidence across accounts: a cluster's risk, or a remembered campaign flag.</summary>
    public static bool IsCampaign(string code) => code is ReasonCodes.ClusterRisk or ReasonCodes.CampaignMember or ReasonCodes.ModelPivot;

    /// <summary>
    /// 0 to 1: how far an account's own evidence is corroborated. Two kinds of content, a cluster's risk or a campaign flag, in
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
