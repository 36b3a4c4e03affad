using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>
/// An IP or a proxy. One call per batch carries all its sightings, and the profile is sketches and decayed
/// counters, so a proxy in front of 20,000 accounts costs the same memory as one in front of 20.
/// </summary>
public abstract class NetworkGrain(
    IPersistentState<NetworkState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger log,
    EntityKind kind) : EntityGrain<NetworkState>(state, options, policies, log), INetworkGrain
{
    /// <summary>Clusters this one linked lately, so that every batch does not send the same merges again.</summary>
    private readonly HashSet<string> _linked = [];

    private string FanoutReason => kind == EntityKind.Ip ? ReasonCodes.IpFanout : ReasonCodes.ProxyFanout;

    public async Task<EntityRisk> Observe(IReadOnlyList<NetworkSighting> sightings)
    {
        foreach (var s in sightings) State.Profile.Observe(s);
        MarkDirty();
        var policy = await Policies.Get();
        var risk = Risk(policy);
        TellWatchers(policy, risk);
        return risk;
    }

    public async Task<EntityRisk> GetRisk() => Risk(await Policies.Get());

    public async Task NoteMembers(IReadOnlyList<MemberStatus> members)
    {
        var policy = await Policies.Get();
        foreach (var m in members) State.Profile.Observe(m, State.Profile.LastSeen);
        MarkDirty();
        TellWatchers(policy);
        if (!IsHub(policy))
        {
            foreach (var m in members)
                if ((m.Flagged || m.Suspect) && m.Cluster is { } cluster) State.Profile.RememberSuspectCluster(cluster);
            return;
        }
        var suspectClusters = members.Where(m => (m.Flagged || m.Suspect) && m.Cluster is not null).Select(m => m.Cluster!).Distinct();
        // Flagged and suspect members' clusters meet here, where most traffic is flagged: link them, including those
        // seen before this became a hub. A member neither flagged nor suspect on its own signals is never linked.
        foreach (var cluster in State.Profile.SuspectClusters.Concat(suspectClusters))
        {
            State.Profile.HubCluster ??= cluster;
            if (cluster != State.Profile.HubCluster && _linked.Add(cluster))
                _ = GrainFactory.Grain<IClusterGrain>(State.Profile.HubCluster).Merge(cluster);
        }
        State.Profile.SuspectClusters.Clear();
        if (_linked.Count > 256) _linked.Clear();
    }

    /// <summary>
    /// An IP or proxy links its members' clusters only when most of its traffic comes from flagged accounts (by their
    /// own signals, their cluster or a campaign flag; never by this context): a crowd of ordinary users never merges
    /// anything, whatever it shares.
    /// </summary>
    private bool IsHub(PolicyView policy) =>
        State.Profile.FlaggedShare() >= policy[Knobs.ClusterLinkFlaggedShare] && State.Profile.Accounts.Estimate() >= policy[Knobs.ClusterLinkMinAccounts];

    protected override void ApplyOverride(OverrideAction action) => State.Override = action;

    protected override EntityRisk Risk(PolicyView policy) => State.Profile.Assess(policy, FanoutReason).ToRisk(State.Override, State.Profile.Events);
}
