using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>
/// Collects the points each reason adds and combines them as independent evidence:
/// score = 100 · (1 − Π(1 − pᵢ/100)). No single weight below 100 reaches 100 alone, and agreement
/// between signals raises the score faster than any one of them.
/// </summary>
public sealed class Assessment
{
    private readonly List<ReasonScore> _reasons = [];

    /// <param name="strength">0 to 1: how strongly the signal is present.</param>
    public Assessment Add(string code, double weight, double strength)
    {
        var points = weight * Math.Clamp(strength, 0, 1);
        if (points >= 0.5) _reasons.Add(new ReasonScore(code, Math.Round(points, 1)));
        return this;
    }

    public Assessment AddAll(IEnumerable<ReasonScore> reasons)
    {
        foreach (var r in reasons) Add(r.Code, r.Points, 1);
        return this;
    }

    public double Score => Combine(_reasons.Select(r => r.Points));

    public EntityRisk ToRisk(OverrideAction @override = OverrideAction.None, long events = 0) =>
        new(Math.Round(Score, 1), _reasons.OrderByDescending(r => r.Points).ToArray(), @override, events);

    public static double Combine(IEnumerable<double> points)
    {
        var keep = 1.0;
        foreach (var p in points) keep *= 1 - Math.Clamp(p, 0, 100) / 100;
        return 100 * (1 - keep);
    }

    /// <summary>0 at <paramref name="from"/>, 1 at <paramref name="to"/>, linear between.</summary>
    public static double Ramp(double value, double from, double to) => Math.Clamp((value - from) / (to - from), 0, 1);
}
