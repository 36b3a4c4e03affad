using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// How points become a score: independent evidence, score = 100 · (1 − Π(1 − pᵢ/100)). No single weight below 100
/// reaches 100 alone, and agreement between signals raises the score faster than any one of them. The engine
/// scores entities with it and every decision, in a silo or a gateway, combines their risks with it.
/// </summary>
public static class Evidence
{
    /// <summary>Two scores combined, without a collection: a score and what a cluster or cohort adds to it.</summary>
    public static double Combine(double a, double b) => 100 * (1 - Unexplained(a) * Unexplained(b));

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
    /// The same over the reasons <paramref name="which"/> picks, each scaled by <paramref name="scale"/>: how much a
    /// family of evidence adds up to, or would after scaling. Loops, no LINQ: it runs for every batch an entity sees.
    /// </summary>
    public static double Combine(IReadOnlyList<ReasonScore> reasons, Func<string, bool> which, double scale = 1)
    {
        var keep = 1.0;
        for (var i = 0; i < reasons.Count; i++)
            if (which(reasons[i].Code)) keep *= Unexplained(reasons[i].Points * scale);
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

    /// <summary>
    /// 0 at <paramref name="from"/>, 1 at <paramref name="to"/>, linear between; <paramref name="from"/> may be the
    /// larger, for a signal that grows as its measure falls. Equal bounds make a step at them, so an operator who
    /// sets both ramp knobs to one value gets a threshold rather than a division by zero.
    /// </summary>
    public static double Ramp(double value, double from, double to)
    {
        if (from == to) return value >= to ? 1 : 0;
        return Math.Clamp((value - from) / (to - from), 0, 1);
    }

    /// <summary>The share of the risk that <paramref name="points"/> leave unexplained.</summary>
    private static double Unexplained(double points) => 1 - Math.Clamp(points, 0, 100) / 100;
}
