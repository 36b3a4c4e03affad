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
    /// <summary>The cluster this one joined, if it was merged; everything that reaches it goes there.</summary>
    public string? MergedInto { get; set; }
}

/// <summary>
/// Pools the signals of linked accounts and pushes its risk back. Members that are not among the recent ones
/// get the risk in the answer to their next report, so the push stays bounded however large the cluster grows.
/// A merged cluster is a forwarding pointer: accounts keep reporting to the cluster of their own identifier,
/// and the answer tells them the cluster they are now part of.
/// </summary>
public sealed class ClusterGrain(
    [PersistentState("cluster", RiskGrainOptions.StorageName)] IPersistentState<ClusterState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies) : WriteBehindGrain<ClusterState>(state, options), IClusterGrain
{
    private string Id => this.GetPrimaryKeyString();

    private IClusterGrain Cluster(string id) => GrainFactory.Grain<IClusterGrain>(id);

    public async Task Report(MemberReport report)
    {
        if (State.MergedInto is { } root)
        {
            // One-way, like the report itself: a chain of merged clusters holds up nobody.
            _ = Cluster(root).Report(report);
            return;
        }
        var policy = await policies.Get();
        void Take(ClusterState state)
        {
            state.Profile.Observe(report);
            Remember(state.RecentMembers, [report.Account]);
        }
        Take(State);
        Unstored(Take);
        MarkDirty();
        // The reporter always hears back, so it learns the cluster it is part of; the others only on a material move.
        var risk = PushIfMoved(policy, except: report.Account);
        Push(report.Account, risk);
    }

    public async Task<ClusterRisk> GetRisk() =>
        State.MergedInto is { } root ? await Cluster(root).GetRisk() : Risk(await policies.Get());

    /// <summary>A merged cluster answers for the one it joined, as <see cref="GetRisk"/> does.</summary>
    public async Task<ClusterView> View() =>
        State.MergedInto is { } root ? await Cluster(root).View() : new ClusterView(Risk(await policies.Get()), [.. State.RecentMembers]);

    public Task Merge(string other)
    {
        if (other == Id) return Task.CompletedTask;
        if (State.MergedInto is { } root) return Cluster(root).Merge(other);
        // The larger id joins the smaller, so the pointers only ever lead down and cannot form a cycle.
        if (string.CompareOrdinal(other, Id) > 0) return Cluster(other).Merge(Id);
        State.MergedInto = other;
        Unstored(state => state.MergedInto ??= other);
        MarkDirty();
        return Cluster(other).Absorb(State.Profile.Summarize(Id, State.RecentMembers));
    }

    public async Task Absorb(ClusterSummary joined)
    {
        if (State.MergedInto is { } root)
        {
            _ = Cluster(root).Absorb(joined);
            return;
        }
        void Take(ClusterState state)
        {
            state.Profile.Absorb(joined);
            Remember(state.RecentMembers, joined.RecentMembers);
        }
        Take(State);
        Unstored(Take);
        MarkDirty();
        // The joined cluster's recent members learn at once which cluster they are now part of.
        var risk = Risk(await policies.Get());
        State.PushedScore = risk.Risk.Score;
        PushToMembers(risk, except: null);
    }

    private ClusterRisk PushIfMoved(PolicyView policy, string? except)
    {
        var risk = Risk(policy);
        if (Math.Abs(risk.Risk.Score - State.PushedScore) >= policy[Knobs.PushMinScoreChange])
        {
            State.PushedScore = risk.Risk.Score;
            PushToMembers(risk, except);
        }
        return risk;
    }

    private ClusterRisk Risk(PolicyView policy) => new(
        Id,
        State.Profile.Assess(policy).ToRisk(),
        State.Profile.MemberCount,
        State.Profile.FlaggedMembers,
        State.Profile.LastSeen);

    /// <summary>
    /// The stored record with this activation's reports, absorbed clusters and merge applied over it. Reports carry
    /// changes (a member's score move, its flag coming or going, its joining), so each counts once whichever activation
    /// took it. What members last heard is what this activation pushed. Reports taken after the record's activation
    /// merged the cluster away stay with it, as any that reach a merged cluster's record would.
    /// </summary>
    protected override ClusterState Reconcile(ClusterState stored, ClusterState mine)
    {
        stored.PushedScore = mine.PushedScore;
        ApplyUnstored(stored);
        return stored;
    }

    private void Remember(List<string> members, IEnumerable<string> accounts)
    {
        foreach (var account in accounts.Reverse())
        {
            members.Remove(account);
            members.Insert(0, account);
        }
        var limit = Options.ClusterPushMembers;
        if (members.Count > limit) members.RemoveRange(limit, members.Count - limit);
    }

    private void PushToMembers(ClusterRisk risk, string? except)
    {
        foreach (var member in State.RecentMembers)
            if (member != except) Push(member, risk);
    }

    /// <summary>One-way: the cluster never waits on its members, so member → cluster calls cannot deadlock.</summary>
    private void Push(string member, ClusterRisk risk)
    {
        _ = GrainFactory.Grain<IAccountGrain>(GrainKeys.Account(member)).ClusterChanged(risk);
        RiskMetrics.ClusterPushes.Add(1);
    }
}
