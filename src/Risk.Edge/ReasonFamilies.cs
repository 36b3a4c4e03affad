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

    /// <summary>How the account behaves: volume, timing, hours, addresses, output, an early model switch.</summary>
    public static bool IsBehaviour(string code) => code is ReasonCodes.HighVolume or ReasonCodes.HighTokenVolume
        or ReasonCodes.MachineTiming or ReasonCodes.RoundTheClock or ReasonCodes.ManyIps or ReasonCodes.OutputHeavy
        or ReasonCodes.EarlyModelSwitch;

    /// <summary>
    /// 0 to 1: how far an account's own evidence is corroborated. Two kinds of content, or a cluster's risk, in
    /// full; behaviour in proportion to its points, in full at <see cref="Knobs.AccountCorroborationPoints"/>.
    /// </summary>
    public static double Corroboration(PolicyView policy, IReadOnlyList<ReasonScore> reasons)
    {
        string? content = null;
        var keep = 1.0;
        for (var i = 0; i < reasons.Count; i++)
        {
            var r = reasons[i];
            if (r.Code == ReasonCodes.ClusterRisk) return 1;
            if (IsContent(r.Code))
            {
                if (content is null) content = r.Code;
                else if (content != r.Code) return 1;
            }
            if (IsBehaviour(r.Code)) keep *= 1 - Math.Clamp(r.Points, 0, 100) / 100;
        }
        return Math.Min(1, 100 * (1 - keep) / policy[Knobs.AccountCorroborationPoints]);
    }
}
