using System.Collections.Frozen;
using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// A shadow policy as one live version sees it: the live settings with the shadow's over them, and how to decide under
/// that from the entity risks the live decision read. Those risks were weighed by their entities under the live
/// policy, from measures a decision never sees (shares, rates, ages). So a candidate may change only what a decision
/// can apply to them: the knobs <see cref="DecisionRules"/> reads (thresholds, network context), and weights, which
/// rescale each reason's points by the candidate's weight over the live one. Everything else is refused
/// (<see cref="Problem"/>); `risk backtest` replays events under any candidate instead.
/// </summary>
public sealed class ShadowCandidate
{
    /// <summary>Read only when entity risks are combined into a decision, so applying them to held risks is what they would do.</summary>
    private static readonly FrozenSet<string> Decided = new[]
    {
        Knobs.ThresholdThrottle, Knobs.ThresholdChallenge, Knobs.ThresholdBlock, Knobs.ThrottleRetryAfterSeconds,
        Knobs.NetworkMaxPoints, Knobs.NetworkContextFrom, Knobs.NetworkContextFull,
    }.Select(k => k.Key).ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Weights = Knobs.WeightsByCode.Values.Select(k => k.Key).ToFrozenSet(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, double> _ratios;

    public ShadowCandidate(ShadowPolicy shadow, PolicyView live)
    {
        Shadow = shadow;
        Live = live;
        var settings = new Dictionary<string, double>(live.Policy.Settings);
        foreach (var (key, value) in shadow.Set) settings[key] = value;
        View = new PolicyView(live.Policy with { Settings = settings });
        var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (code, knob) in Knobs.WeightsByCode)
        {
            // A weight the live policy holds at zero left no points whose strength could be read back; the reason
            // is absent from the risk either way, so there is nothing to rescale.
            if (live[knob] > 0 && View[knob] != live[knob]) ratios[code] = View[knob] / live[knob];
        }
        _ratios = ratios.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public ShadowPolicy Shadow { get; }

    /// <summary>The live policy this candidate was laid over.</summary>
    public PolicyView Live { get; }

    /// <summary>The candidate: the live settings with the shadow's over them, under the live version's number.</summary>
    public PolicyView View { get; }

    /// <summary>What <paramref name="live"/>'s decision would have been under the candidate, from the same risks.</summary>
    public DecisionAction Decide(EntityRisk account, EntityRisk? ip, EntityRisk? proxy) =>
        DecisionRules.Decide(View, Reweigh(account), ip is null ? null : Reweigh(ip), proxy is null ? null : Reweigh(proxy)).Action;

    /// <summary>The risk with each weighted reason's points at the candidate's weight; the same risk when no weight differs.</summary>
    public EntityRisk Reweigh(EntityRisk risk)
    {
        if (_ratios.Count == 0) return risk;
        ReasonScore[]? reasons = null;
        for (var i = 0; i < risk.Reasons.Count; i++)
        {
            var r = risk.Reasons[i];
            if (!_ratios.TryGetValue(r.Code, out var ratio)) continue;
            reasons ??= [.. risk.Reasons];
            reasons[i] = r with { Points = Math.Min(100, r.Points * ratio) };
        }
        if (reasons is null) return risk;
        Evidence.StrongestFirst(reasons);
        return risk with { Reasons = reasons, Score = Math.Round(Evidence.Combine(reasons), 1) };
    }

    /// <returns>Null when every setting can be weighed in shadow, otherwise why not.</returns>
    public static string? Problem(IReadOnlyDictionary<string, double> settings, PolicyView live)
    {
        foreach (var (key, value) in settings)
        {
            if (PolicyCatalog.Check(key, value) is { } invalid) return invalid;
            if (Decided.Contains(key)) continue;
            if (!Weights.Contains(key))
                return $"{key}: a shadow policy weighs decisions from the entity risks they read, and {key} changes what entities measure; try it with `risk backtest`";
            if (live[PolicyCatalog.ByKey[key]] == 0 && value != 0)
                return $"{key}: 0 in the live policy, so no risk holds points of it to weigh again; try it with `risk backtest`";
        }
        return null;
    }
}
