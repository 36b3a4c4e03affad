using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>How entity risks and operator overrides become one decision.</summary>
public static class DecisionRules
{
    /// <summary>
    /// Overrides beat every detector. The most specific override wins: an account override beats IP and proxy
    /// overrides (an operator who allows one account behind a blocked relay means it); between an IP and a
    /// proxy, block wins. Without overrides the entity scores combine as independent evidence.
    /// </summary>
    public static Decision Decide(PolicyView policy, EntityRisk account, EntityRisk? ip = null, EntityRisk? proxy = null)
    {
        var @override = account.Override != OverrideAction.None
            ? account.Override
            : (ip?.Override, proxy?.Override) switch
            {
                (OverrideAction.Block, _) or (_, OverrideAction.Block) => OverrideAction.Block,
                (OverrideAction.Allow, _) or (_, OverrideAction.Allow) => OverrideAction.Allow,
                _ => OverrideAction.None,
            };
        if (@override == OverrideAction.Block) return new(DecisionAction.Block, 100, [ReasonCodes.OverrideBlock], policy.Version);
        if (@override == OverrideAction.Allow) return new(DecisionAction.Allow, 0, [ReasonCodes.OverrideAllow], policy.Version);

        // Network context is capped: an IP or proxy can push an account with signals of its own over a
        // threshold, but sharing alone stays below the throttle threshold.
        var network = MaxPerCode((ip?.Reasons ?? []).Concat(proxy?.Reasons ?? []));
        var context = Math.Min(Assessment.Combine(network.Select(r => r.Points)), policy["network.max_points"]);
        var score = (int)Math.Round(Assessment.Combine(account.Reasons.Select(r => r.Points).Append(context)));
        var reasons = MaxPerCode(account.Reasons.Concat(network)).OrderByDescending(r => r.Points).Select(r => r.Code).ToArray();
        return new(ActionFor(policy, score), score, reasons, policy.Version);
    }

    private static IEnumerable<ReasonScore> MaxPerCode(IEnumerable<ReasonScore> reasons) =>
        reasons.GroupBy(r => r.Code).Select(g => new ReasonScore(g.Key, g.Max(r => r.Points)));

    public static DecisionAction ActionFor(PolicyView policy, double score) =>
        score >= policy["threshold.block"] ? DecisionAction.Block
        : score >= policy["threshold.challenge"] ? DecisionAction.Challenge
        : score >= policy["threshold.throttle"] ? DecisionAction.Throttle
        : DecisionAction.Allow;
}
