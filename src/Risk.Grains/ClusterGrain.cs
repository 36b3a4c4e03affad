using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class ClusterState
{
    public ClusterProfile Profile { get; set; } = new();
    /// <summary>Most recent reporters first; bounded by <see cref="RiskGrainOptions.ClusterPushMembers"/>.</summary>
    public List<string> RecentMembers { get; set; } = [];
    public double PushedScore { get; set; }
}

/// <summary>
/// Pools the signals of accounts linked by a shared identifier and pushes its risk back. Members that are not
/// among the recent ones get the risk in the answer to their next report, so the push stays bounded however
/// large the cluster grows.
/// </summary>
public sealed class ClusterGrain(
    [PersistentState("cluster", RiskGrainOptions.StorageName)] IPersistentState<ClusterState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies) : WriteBehindGrain<ClusterState>(state, options), IClusterGrain
{
    public async Task<ClusterRisk> Report(MemberReport report)
    {
        var policy = await policies.Get();
        State.Profile.Observe(report);
        Remember(report.Account);
        var risk = Risk(policy);
        if (Math.Abs(risk.Risk.Score - State.PushedScore) >= policy["push.min_score_change"])
        {
            State.PushedScore = risk.Risk.Score;
            PushToMembers(risk, except: report.Account);
        }
        MarkDirty();
        return risk;
    }

    public async Task<ClusterRisk> GetRisk() => Risk(await policies.Get());

    private ClusterRisk Risk(PolicyView policy) => new(
        this.GetPrimaryKeyString(),
        State.Profile.Assess(policy).ToRisk(),
        State.Profile.MemberCount,
        State.Profile.FlaggedMembers,
        State.Profile.LastSeen);

    private void Remember(string account)
    {
        var members = State.RecentMembers;
        members.Remove(account);
        members.Insert(0, account);
        var limit = Options.ClusterPushMembers;
        if (members.Count > limit) members.RemoveRange(limit, members.Count - limit);
    }

    private void PushToMembers(ClusterRisk risk, string except)
    {
        foreach (var member in State.RecentMembers)
        {
            if (member == except) continue;
            // One-way: the cluster never waits on its members, so member → cluster calls cannot deadlock.
            _ = GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(member)).ClusterChanged(risk);
            RiskMetrics.ClusterPushes.Add(1);
        }
    }
}
