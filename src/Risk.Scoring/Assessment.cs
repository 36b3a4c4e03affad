using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>Collects the points each reason adds, and combines them as independent evidence (<see cref="Evidence"/>).</summary>
/// <param name="policyVersion">The version of the policy whose weights it applies; its risk carries it.</param>
public sealed class Assessment(long policyVersion = 0)
{
    private readonly List<ReasonScore> _reasons = [];

    public long PolicyVersion { get; private set; } = policyVersion;

    /// <summary>Notes that some of the points were weighed under an older version (another entity's, added whole).</summary>
    public void WeighedUnder(long version)
    {
        if (version > 0 && version < PolicyVersion) PolicyVersion = version;
    }

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

    /// <summary>Another assessment with the same points and version, to add to without changing this one.</summary>
    public Assessment Copy()
    {
        var copy = new Assessment(PolicyVersion);
        copy._reasons.AddRange(_reasons);
        return copy;
    }

    /// <summary>The points of the reasons <paramref name="which"/> picks, combined.</summary>
    public double ScoreOf(Func<string, bool> which) => Evidence.Combine(_reasons, which);

    /// <summary>How far the reasons so far corroborate each other (<see cref="ReasonFamilies.Corroboration"/>).</summary>
    public double Corroboration(PolicyView policy) => ReasonFamilies.Corroboration(policy, _reasons);

    /// <summary>
    /// Scales the points of the reasons <paramref name="which"/> picks, all by one factor, so that together they
    /// score at most <paramref name="max"/>. A reason scaled under half a point is dropped, as <see cref="Add"/> would.
    /// </summary>
    public void LimitTo(Func<string, bool> which, double max)
    {
        if (Evidence.Combine(_reasons, which) <= max) return;
        // Combining is monotone in a common factor: halve the interval a few dozen times.
        double low = 0, high = 1;
        for (var i = 0; i < 40; i++)
        {
            var mid = (low + high) / 2;
            if (Evidence.Combine(_reasons, which, mid) <= max) low = mid; else high = mid;
        }
        for (var i = _reasons.Count - 1; i >= 0; i--)
        {
            var r = _reasons[i];
            if (!which(r.Code)) continue;
            var points = Math.Round(r.Points * low, 1);
            if (points >= 0.5) _reasons[i] = r with { Points = points };
            else _reasons.RemoveAt(i);
        }
    }

    /// <summary>Scales every reason's points by <paramref name="factor"/>; one scaled under half a point is dropped.</summary>
    public void Scale(double factor)
    {
        for (var i = _reasons.Count - 1; i >= 0; i--)
        {
            var points = Math.Round(_reasons[i].Points * factor, 1);
            if (points >= 0.5) _reasons[i] = _reasons[i] with { Points = points };
            else _reasons.RemoveAt(i);
        }
    }

    /// <summary>Reasons strongest first; equal ones keep the order they were added in.</summary>
    /// <param name="accounts">For an IP or proxy, the accounts it carried.</param>
    public EntityRisk ToRisk(OverrideAction @override = OverrideAction.None, long events = 0, int accounts = 0)
    {
        var sorted = _reasons.ToArray();
        Evidence.StrongestFirst(sorted);
        return new(Math.Round(Score, 1), sorted, @override, events, accounts, PolicyVersion);
    }
}
