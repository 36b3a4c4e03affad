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

    public double Score
    {
        get
        {
            // Combine's formula, over the list without an enumerator: this runs for every batch an entity sees.
            var keep = 1.0;
            foreach (var r in _reasons) keep *= Unexplained(r.Points);
            return 100 * (1 - keep);
        }
    }

    /// <summary>Reasons strongest first; equal ones keep the order they were added in.</summary>
    public EntityRisk ToRisk(OverrideAction @override = OverrideAction.None, long events = 0)
    {
        // Runs for every batch an entity sees: an insertion sort of a dozen reasons, without LINQ's allocations.
        var sorted = _reasons.ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            var r = sorted[i];
            var j = i - 1;
            for (; j >= 0 && sorted[j].Points < r.Points; j--) sorted[j + 1] = sorted[j];
            sorted[j + 1] = r;
        }
        return new(Math.Round(Score, 1), sorted, @override, events);
    }

    public static double Combine(IEnumerable<double> points)
    {
        var keep = 1.0;
        foreach (var p in points) keep *= Unexplained(p);
        return 100 * (1 - keep);
    }

    /// <summary>The share of the risk that <paramref name="points"/> leave unexplained.</summary>
    private static double Unexplained(double points) => 1 - Math.Clamp(points, 0, 100) / 100;

    /// <summary>0 at <paramref name="from"/>, 1 at <paramref name="to"/>, linear between.</summary>
    public static double Ramp(double value, double from, double to) => Math.Clamp((value - from) / (to - from), 0, 1);
}
