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

    public double Score => Combine(_reasons);

    /// <summary>Reasons strongest first; equal ones keep the order they were added in.</summary>
    public EntityRisk ToRisk(OverrideAction @override = OverrideAction.None, long events = 0)
    {
        var sorted = _reasons.ToArray();
        StrongestFirst(sorted);
        return new(Math.Round(Score, 1), sorted, @override, events);
    }

    public static double Combine(IEnumerable<double> points)
    {
        var keep = 1.0;
        foreach (var p in points) keep *= Unexplained(p);
        return 100 * (1 - keep);
    }

    /// <summary>
    /// <see cref="Combine(IEnumerable{double})"/> over reasons' points, without an enumerator or a projection: it
    /// runs for every batch an entity sees and every decision.
    /// </summary>
    public static double Combine(IReadOnlyList<ReasonScore> reasons)
    {
        var keep = 1.0;
        for (var i = 0; i < reasons.Count; i++) keep *= Unexplained(reasons[i].Points);
        return 100 * (1 - keep);
    }

    /// <summary>
    /// Sorts strongest first; equal ones keep their order. An insertion sort: the lists are a dozen reasons, and
    /// this runs for every batch an entity sees and every decision, so without LINQ's allocations.
    /// </summary>
    public static void StrongestFirst(IList<ReasonScore> reasons)
    {
        for (var i = 1; i < reasons.Count; i++)
        {
            var r = reasons[i];
            var j = i - 1;
            for (; j >= 0 && reasons[j].Points < r.Points; j--) reasons[j + 1] = reasons[j];
            reasons[j + 1] = r;
        }
    }

    /// <summary>The share of the risk that <paramref name="points"/> leave unexplained.</summary>
    private static double Unexplained(double points) => 1 - Math.Clamp(points, 0, 100) / 100;

    /// <summary>0 at <paramref name="from"/>, 1 at <paramref name="to"/>, linear between.</summary>
    public static double Ramp(double value, double from, double to) => Math.Clamp((value - from) / (to - from), 0, 1);
}
