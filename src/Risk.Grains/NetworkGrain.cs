using System.Diagnostics;
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
    private readonly ClusterLinker _linker = new();
    /// <summary>
    /// In memory only: a proxy's thousands of ids a second are no state worth storing. A new activation counts
    /// every id'd event up to the last one it holds as seen, so a retry never counts twice across one.
    /// </summary>
    private RecentEventIds? _eventIds;

    private string FanoutReason => kind == EntityKind.Ip ? ReasonCodes.IpFanout : ReasonCodes.ProxyFanout;

    public async Task<EntityRisk> Observe(IReadOnlyList<NetworkSighting> sightings)
    {
        foreach (var s in sightings)
            if (s.EventId == 0 || Admit(s) == EventIdCheck.New) State.Profile.Observe(s);
        MarkDirty();
        var policy = await Policies.Get();
        var risk = Risk(policy);
        TellWatchers(policy, risk);
        return risk;
    }

    private EventIdCheck Admit(NetworkSighting s)
    {
        if (_eventIds is null)
        {
            _eventIds = new();
            if (State.Profile.Events > 0) _eventIds.ForgetUpTo(State.Profile.LastSeen);
        }
        var check = _eventIds.Admit(s.EventId, s.Ts, Options.NetworkEventIds);
        if (check != EventIdCheck.New) RiskMetrics.EventsSkipped.Add(1, new TagList { { "entity", kind.ToString().ToLowerInvariant() }, { "why", check.ToString().ToLowerInvariant() } });
        return check;
    }

    public async Task<EntityRisk> GetRisk() => Risk(await Policies.Get());

    public async Task NoteMembers(IReadOnlyList<MemberStatus> members)
    {
        var policy = await Policies.Get();
        foreach (var m in members) State.Profile.Observe(m, State.Profile.LastSeen);
        MarkDirty();
        TellWatchers(policy);
        // Flagged and suspect members' clusters meet here: linked once most traffic is flagged, including those seen
        // before. A member neither flagged nor suspect on its own signals is never linked.
        var linkable = members.Where(m => (m.Flagged || m.Suspect) && m.Cluster is not null).Select(m => m.Cluster!).Distinct();
        if (IsHub(policy)) _linker.Link(State.Profile.Links, linkable, GrainFactory);
        else foreach (var cluster in linkable) State.Profile.Links.Wait(cluster);
    }

    /// <summary>
    /// An IP or proxy links its members' clusters only when most of its traffic comes from flagged accounts (by their
    /// own signals, their cluster or a campaign flag; never by this context): a crowd of ordinary users never merges
    /// anything, whatever it shares.
    /// </summary>
    private bool IsHub(PolicyView policy) =>
        State.Profile.FlaggedShare() >= policy[Knobs.ClusterLinkFlaggedShare] && State.Profile.Accounts.Estimate() >= policy[Knobs.ClusterLinkMinAccounts];

    protected override EntityRisk Risk(PolicyView policy) =>
        State.Profile.Assess(policy, FanoutReason).ToRisk(Override, State.Profile.Events, (int)Math.Round(State.Profile.Accounts.Estimate()));
}
