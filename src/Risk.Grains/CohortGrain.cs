using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class CohortState
{
    public HyperLogLog Members { get; set; } = new(10);
    public int FlaggedMembers { get; set; }
    /// <summary>Linkable members' clusters, to be linked once the cohort is mostly flagged.</summary>
    public HubLinks Links { get; set; } = new();
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
    private readonly ClusterLinker _linker = new();

    public async Task Report(CohortReport report)
    {
        var policy = await policies.Get();
        State.Members.Add(report.AccountHash);
        State.FlaggedMembers = Math.Max(0, State.FlaggedMembers + report.FlaggedDelta);
        MarkDirty();
        // A member that stopped being linkable (a ring's member, linked by its ring alone) is not linked later for
        // what it was before.
        if (report is { Linkable: false, Cluster: { } withdrawn }) State.Links.Withdraw(withdrawn);
        string[] linkable = report is { Linkable: true, Cluster: { } cluster } ? [cluster] : [];
        if (IsHub(policy)) _linker.Link(State.Links, linkable, GrainFactory);
        else foreach (var waiting in linkable) State.Links.Wait(waiting);
    }

    /// <summary>The same rule as an IP's or proxy's: enough members, mostly flagged.</summary>
    private bool IsHub(PolicyView policy)
    {
        var members = State.Members.Estimate();
        return State.FlaggedMembers >= policy[Knobs.ClusterLinkMinAccounts]
            && State.FlaggedMembers / Math.Max(1, members) >= policy[Knobs.ClusterLinkFlaggedShare];
    }
}
