using Risk.Contracts;

namespace Risk.Edge;

/// <summary>How entity risks and operator overrides become one decision.</summary>
public static class DecisionRules
{
    /// <summary>
    /// What every decision path refuses before it reads a grain: no account, identifiers past the event contract's
    /// length, or an IP that is not one. Returns the IP in canonical form, so a miss parses it once.
    /// </summary>
    /// <exception cref="ArgumentException">With a message that names the field, as the event contract's refusals do.</exception>
    public static string? CanonicalRequest(string? account, string? ip, string? proxy)
    {
        if (string.IsNullOrEmpty(account)) throw new ArgumentException("account: required");
        if (account.Length > EventRules.MaxStringLength) throw new ArgumentException($"account: longer than {EventRules.MaxStringLength} characters");
        if (proxy is { Length: > EventRules.MaxStringLength }) throw new ArgumentException($"proxy: longer than {EventRules.MaxStringLength} characters");
        if (ip is null) return null;
        return GrainKeys.NormalizeIp(ip) ?? throw new ArgumentException($"ip: '{ip}' is not an IPv4 or IPv6 address");
    }

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

        // Sharing is context, not guilt. IP and proxy context only adds to an account with evidence of its own
        // (content, timing, payment links), in proportion to that evidence, and never more than network.max_points:
        // the users of a crowded relay or NAT are not throttled for the company they keep.
        // Every gateway miss runs this: plain loops over a dozen reasons, no LINQ.
        var own = Evidence.Combine(account.Reasons);
        // Context weighs on evidence that holds on its own: one kind of content alone (a class doing homework at
        // the venue it shares) draws none of it.
        var gate = Evidence.Ramp(own, policy[Knobs.NetworkContextFrom], policy[Knobs.NetworkContextFull])
            * ReasonFamilies.Corroboration(policy, account.Reasons);
        var raw = new List<ReasonScore>((ip?.Reasons.Count ?? 0) + (proxy?.Reasons.Count ?? 0));
        if (ip is not null) MaxPerCode(raw, ip.Reasons, 1);
        if (proxy is not null) MaxPerCode(raw, proxy.Reasons, 1);
        var context = Math.Min(Evidence.Combine(raw), policy[Knobs.NetworkMaxPoints]) * gate;
        var score = (int)Math.Round(Evidence.Combine(own, context));
        var merged = new List<ReasonScore>(account.Reasons.Count + raw.Count);
        MaxPerCode(merged, account.Reasons, 1);
        if (gate > 0) MaxPerCode(merged, raw, gate);
        merged.RemoveAll(static r => r.Points < 0.5);
        Evidence.StrongestFirst(merged);
        var reasons = new string[merged.Count];
        for (var i = 0; i < reasons.Length; i++) reasons[i] = merged[i].Code;
        return new(ActionFor(policy, score), score, reasons, policy.Version);
    }

    /// <summary>Adds <paramref name="reasons"/> scaled by <paramref name="scale"/>, keeping one per code (the strongest), in first-seen order.</summary>
    private static void MaxPerCode(List<ReasonScore> into, IReadOnlyList<ReasonScore> reasons, double scale)
    {
        foreach (var r in reasons)
        {
            var points = r.Points * scale;
            var at = into.Count - 1;
            while (at >= 0 && into[at].Code != r.Code) at--;
            if (at < 0) into.Add(scale == 1 ? r : r with { Points = points });
            else if (points > into[at].Points) into[at] = into[at] with { Points = points };
        }
    }

    /// <summary>
    /// Whether any IP or proxy context could make <see cref="Decide"/> flag this account: false when even the
    /// most context can add (network.max_points) leaves it below the challenge threshold. A cheap test that spares
    /// the full decision for the many accounts far from it.
    /// </summary>
    public static bool CouldFlag(PolicyView policy, EntityRisk account)
    {
        if (account.Override != OverrideAction.None) return true;
        // Slack for rounding: Decide combines the reasons' points, not the score rounded to 0.1, and rounds its
        // result to a whole number. Context is gated by the account's own evidence, as in Decide.
        var own = account.Score + 1;
        var context = policy[Knobs.NetworkMaxPoints] * Evidence.Ramp(own, policy[Knobs.NetworkContextFrom], policy[Knobs.NetworkContextFull]);
        return Evidence.Combine(own, context) >= policy[Knobs.ThresholdChallenge] - 0.5;
    }

    public static DecisionAction ActionFor(PolicyView policy, double score) =>
        score >= policy[Knobs.ThresholdBlock] ? DecisionAction.Block
        : score >= policy[Knobs.ThresholdChallenge] ? DecisionAction.Challenge
        : score >= policy[Knobs.ThresholdThrottle] ? DecisionAction.Throttle
        : DecisionAction.Allow;
}
