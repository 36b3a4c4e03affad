using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class CohortState
{
    public HyperLogLog Members { get; set; } = new(10);
    public int FlaggedMembers { get; set; }
    /// <summary>The first linkable member's cluster once this cohort is mostly flagged; the others are merged into it.</summary>
    public string? HubCluster { get; set; }
    /// <summary>Linkable members' clusters seen before the cohort was mostly flagged, so they are linked when it is.</summary>
    public List<string> Waiting { get; set; } = [];
}

/// <summary>
/// Links the clusters of a creation cohort's flagged and suspect members once most of the cohort is flagged. A
/// cohort of ordinary sign-ups (a company's batch of seats, a bootcamp's same-week students) is never mostly
/// flagged, so it never links anything. It keeps counts only: a member sketch, a flagged count, a short list.
/// </summary>
public sealed class CohortGrain(
    [PersistentState("cohort", RiskGrainOptions.StorageName)] IPersistentState<CohortState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies) : WriteBehindGrain<CohortState>(state, options), ICohortGrain
{
    public const int WaitingKept = 16;

    /// <summary>Clusters linked lately, so that every report does not send the same merge again.</summary>
    private readonly HashSet<string> _linked = [];

    public async Task Report(CohortReport report)
    {
        var policy = await policies.Get();
        State.Members.Add(report.AccountHash);
        State.FlaggedMembers = Math.Max(0, State.FlaggedMembers + report.FlaggedDelta);
        if (report.Linkable && report.Cluster is { } cluster && !State.Waiting.Contains(cluster))
        {
            if (State.Waiting.Count >= WaitingKept) State.Waiting.RemoveAt(0);
            State.Waiting.Add(cluster);
        }
        MarkDirty();
        if (!IsHub(policy)) return;
        foreach (var waiting in State.Waiting)
        {
            State.HubCluster ??= waiting;
            if (waiting != State.HubCluster && _linked.Add(waiting))
                _ = GrainFactory.Grain<IClusterGrain>(State.HubCluster).Merge(waiting);
        }
        State.Waiting.Clear();
        if (_linked.Count > 256) _linked.Clear();
    }

    /// <summary>The same rule as an IP's or proxy's: enough members, mostly flagged.</summary>
    private bool IsHub(PolicyView policy)
    {
        var members = State.Members.Estimate();
        return State.FlaggedMembers >= policy[Knobs.ClusterLinkMinAccounts]
            && State.FlaggedMembers / Math.Max(1, members) >= policy[Knobs.ClusterLinkFlaggedShare];
    }
}
