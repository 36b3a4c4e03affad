using Risk.Contracts;
using Risk.Edge;

namespace Risk.Scoring;

/// <summary>
/// Pooled signals of the accounts linked into one cluster. Members report their own score (never what they
/// inherited from the cluster, which would feed back on itself) and whether their own score flags them.
/// </summary>
public sealed class ClusterProfile
{
    public HyperLogLog Members { get; set; } = new(10);
    public int FlaggedMembers { get; set; }
    /// <summary>The sum of the members' latest own scores: each report replaces its member's previous one.</summary>
    public double ScoreSum { get; set; }
    /// <summary>Members that reported at least once; over them, <see cref="ScoreSum"/> is the members' mean own score now.</summary>
    public int Reporters { get; set; }
    public DateTime LastSeen { get; set; }

    public void Observe(MemberReport r)
    {
        Members.Add(StableHash64.Of("account", r.Account));
        FlaggedMembers = Math.Max(0, FlaggedMembers + r.FlaggedDelta);
        // The mean of the members' current scores, not of their reports: a member reports each time its score moves,
        // so a mean over reports would weigh its early, low scores as often as its latest.
        ScoreSum += r.OwnScore - (r.Joins ? 0 : r.PreviousScore);
        if (r.Joins) Reporters++;
        if (r.Ts > LastSeen) LastSeen = r.Ts;
    }

    public ClusterSummary Summarize(string clusterId, IReadOnlyList<string> recentMembers) =>
        new(clusterId, Members.ToArray(), FlaggedMembers, ScoreSum, Reporters, LastSeen, recentMembers);

    /// <summary>Pools a joining cluster's signals into this one: member sketches union, counts add.</summary>
    public void Absorb(ClusterSummary joined)
    {
        Members.Merge(new HyperLogLog { Registers = joined.MemberRegisters });
        FlaggedMembers += joined.FlaggedMembers;
        ScoreSum += joined.ScoreSum;
        Reporters += (int)joined.Reporters;
        if (joined.At > LastSeen) LastSeen = joined.At;
    }

    public int MemberCount => (int)Math.Round(Members.Estimate());

    public Assessment Assess(PolicyView policy)
    {
        var a = new Assessment(policy.Version);
        var members = MemberCount;
        if (members < policy[Knobs.ClusterMinMembers]) return a;
        var flaggedShare = Math.Min(1, FlaggedMembers / (double)members);
        var meanScore = Reporters <= 0 ? 0 : Math.Max(0, ScoreSum) / Reporters;
        var strength = Math.Max(policy.Ramp(Knobs.ClusterFlaggedShare, flaggedShare), policy.Ramp(Knobs.ClusterMeanScore, meanScore));
        // Coordination at scale is the signal: risk grows from min_members to full strength at full_members.
        var scale = Evidence.Ramp(members, policy[Knobs.ClusterMinMembers] - 1, policy[Knobs.ClusterFullMembers]);
        a.Add(ReasonCodes.ClusterRisk, policy.Weight(ReasonCodes.ClusterRisk), strength * scale);
        return a;
    }
}
