using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>
/// Pooled signals of the accounts linked into one cluster. Members report their own score (never what they
/// inherited from the cluster, which would feed back on itself) and whether their own score flags them.
/// </summary>
public sealed class ClusterProfile
{
    public static readonly TimeSpan HalfLife = TimeSpan.FromDays(3);

    public HyperLogLog Members { get; set; } = new(10);
    public int FlaggedMembers { get; set; }
    public DecayedCounter ScoreSum { get; set; } = new();
    public DecayedCounter Reports { get; set; } = new();
    public DateTime LastSeen { get; set; }

    public void Observe(MemberReport r)
    {
        Members.Add(StableHash64.Of("account", r.Account));
        FlaggedMembers = Math.Max(0, FlaggedMembers + r.FlaggedDelta);
        ScoreSum.Add(r.Ts, r.OwnScore, HalfLife);
        Reports.Add(r.Ts, 1, HalfLife);
        if (r.Ts > LastSeen) LastSeen = r.Ts;
    }

    public ClusterSummary Summarize(string clusterId, IReadOnlyList<string> recentMembers) =>
        new(clusterId, Members.Registers, FlaggedMembers, ScoreSum.ValueAt(LastSeen, HalfLife), Reports.ValueAt(LastSeen, HalfLife), LastSeen, recentMembers);

    /// <summary>Pools a joining cluster's signals into this one: member sketches union, counts add.</summary>
    public void Absorb(ClusterSummary joined)
    {
        Members.Merge(new HyperLogLog { Registers = joined.MemberRegisters });
        FlaggedMembers += joined.FlaggedMembers;
        ScoreSum.Merge(joined.ScoreSum, joined.At, HalfLife);
        Reports.Merge(joined.Reports, joined.At, HalfLife);
        if (joined.At > LastSeen) LastSeen = joined.At;
    }

    public int MemberCount => (int)Math.Round(Members.Estimate());

    public Assessment Assess(PolicyView policy)
    {
        var a = new Assessment();
        var members = MemberCount;
        if (members < policy[Knobs.ClusterMinMembers]) return a;
        var flaggedShare = Math.Min(1, FlaggedMembers / (double)members);
        var reports = Reports.ValueAt(LastSeen, HalfLife);
        var meanScore = reports <= 0 ? 0 : ScoreSum.ValueAt(LastSeen, HalfLife) / reports;
        var strength = Math.Max(policy.Ramp(Knobs.ClusterFlaggedShare, flaggedShare), policy.Ramp(Knobs.ClusterMeanScore, meanScore));
        // Coordination at scale is the signal: risk grows from min_members to full strength at full_members.
        var scale = Evidence.Ramp(members, policy[Knobs.ClusterMinMembers] - 1, policy[Knobs.ClusterFullMembers]);
        a.Add(ReasonCodes.ClusterRisk, policy.Weight(ReasonCodes.ClusterRisk), strength * scale);
        return a;
    }
}
