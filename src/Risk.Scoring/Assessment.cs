using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>Collects the points each reason adds, and combines them as independent evidence (<see cref="Evidence"/>).</summary>
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

    public double Score => Evidence.Combine(_reasons);

    /// <summary>Reasons strongest first; equal ones keep the order they were added in.</summary>
    public EntityRisk ToRisk(OverrideAction @override = OverrideAction.None, long events = 0)
    {
        var sorted = _reasons.ToArray();
        Evidence.StrongestFirst(sorted);
        return new(Math.Round(Score, 1), sorted, @override, events);
    }
}
