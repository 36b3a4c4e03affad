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
        List<NetworkSighting>? admitted = null;
        var capacity = Options.NetworkEventIds;
        if (Ids(sightings) is var ids and > 0) capacity = EventIds().Fit(capacity, ids);
        for (var i = 0; i < sightings.Count; i++)
        {
            var s = sightings[i];
            if (s.EventId == 0 || Admit(s, capacity) == EventIdCheck.New)
            {
                State.Profile.Observe(s);
                admitted?.Add(s);
            }
            else admitted ??= [.. sightings.Take(i)];
        }
        // Kept to apply again over a record another activation stored; the ids were checked here already.
        IReadOnlyList<NetworkSighting> applied = admitted ?? sightings;
        Unstored(state => { foreach (var s in applied) state.Profile.Observe(s); }, applied.Count);
        MarkDirty();
        var policy = await Policies.Get();
        var risk = Risk(policy);
        TellWatchers(policy, risk);
        return risk;
    }

    private static int Ids(IReadOnlyList<NetworkSighting> sightings)
    {
        var ids = 0;
        for (var i = 0; i < sightings.Count; i++)
            if (sightings[i].EventId != 0) ids++;
        return ids;
    }

    private RecentEventIds EventIds()
    {
        if (_eventIds is null)
        {
            _eventIds = new();
            if (State.Profile.Events > 0) _eventIds.ForgetUpTo(State.Profile.LastSeen);
        }
        return _eventIds;
    }

    private EventIdCheck Admit(NetworkSighting s, int capacity)
    {
        var check = EventIds().Admit(s.EventId, s.Ts, capacity);
        if (check != EventIdCheck.New) RiskMetrics.EventsSkipped.Add(1, new TagList { { "entity", kind.ToString().ToLowerInvariant() }, { "why", check.ToString().ToLowerInvariant() } });
        return check;
    }

    public async Task<EntityRisk> GetRisk() => Risk(await Policies.Get());

    /// <summary>
    /// The stored record's sketches and counters with this activation's sightings and member notes applied over them;
    /// the clusters it links, from both.
    /// </summary>
    protected override NetworkState Reconcile(NetworkState stored, NetworkState mine)
    {
        var links = mine.Profile.Links;
        links.HubCluster ??= stored.Profile.Links.HubCluster;
        foreach (var cluster in stored.Profile.Links.Waiting.Where(c => !links.Waiting.Contains(c)).Reverse()) links.Waiting.Insert(0, cluster);
        if (links.Waiting.Count > HubLinks.WaitingKept) links.Waiting.RemoveRange(0, links.Waiting.Count - HubLinks.WaitingKept);
        mine.Profile = stored.Profile;
        mine.Profile.Links = links;
        // An override is written through: the record's is the latest, unless this activation set one since (applied below).
        (mine.Override, mine.OverrideExpires) = (stored.Override, stored.OverrideExpires);
        ApplyUnstored(mine);
        return mine;
    }

    public async Task NoteMembers(IReadOnlyList<MemberStatus> members)
    {
        var policy = await Policies.Get();
        foreach (var m in members) State.Profile.Observe(m, State.Profile.LastSeen);
        Unstored(state => { foreach (var m in members) state.Profile.Observe(m, state.Profile.LastSeen); }, members.Count);
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
