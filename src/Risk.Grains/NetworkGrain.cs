using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class NetworkState
{
    public NetworkProfile Profile { get; set; } = new();
    public OverrideAction Override { get; set; }
}

/// <summary>
/// An IP or a proxy. One call per batch carries all its sightings, and the profile is sketches and decayed
/// counters, so a proxy in front of 20,000 accounts costs the same memory as one in front of 20.
/// </summary>
public abstract class NetworkGrain(
    IPersistentState<NetworkState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger log,
    EntityKind kind) : WriteBehindGrain<NetworkState>(state, options), INetworkGrain
{
    private readonly HashSet<string> _linked = [];
    private Watchers? _watchers;

    private string FanoutReason => kind == EntityKind.Ip ? ReasonCodes.IpFanout : ReasonCodes.ProxyFanout;

    private Watchers Watchers => _watchers ??= new(log);

    public async Task<EntityRisk> Watch(IRiskReplicaGrain replica)
    {
        var policy = await policies.Get();
        var risk = Risk(policy);
        Watchers.Add(replica, risk, policy["push.min_score_change"]);
        return risk;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _watchers?.Gone();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<EntityRisk> Observe(IReadOnlyList<NetworkSighting> sightings)
    {
        foreach (var s in sightings) State.Profile.Observe(s);
        MarkDirty();
        var policy = await policies.Get();
        var risk = Risk(policy);
        _watchers?.TellIfMoved(() => risk, policy["push.min_score_change"]);
        return risk;
    }

    public async Task<EntityRisk> GetRisk() => Risk(await policies.Get());

    public async Task NoteMembers(IReadOnlyList<MemberStatus> members)
    {
        var policy = await policies.Get();
        foreach (var m in members) State.Profile.Observe(m, State.Profile.LastSeen);
        MarkDirty();
        _watchers?.TellIfMoved(() => Risk(policy), policy["push.min_score_change"]);
        if (!IsHub(policy))
        {
            foreach (var m in members)
                if (m.Flagged && m.Cluster is { } cluster) State.Profile.RememberFlaggedCluster(cluster);
            return;
        }
        var flaggedClusters = members.Where(m => m.Flagged && m.Cluster is not null).Select(m => m.Cluster!).Distinct();
        // Flagged members' clusters meet here: link them, including those seen before this became a hub.
        foreach (var cluster in State.Profile.FlaggedClusters.Concat(flaggedClusters))
        {
            State.Profile.HubCluster ??= cluster;
            // Remember what was linked lately, so that every batch does not send the same merges again.
            if (cluster != State.Profile.HubCluster && _linked.Add(cluster))
                _ = GrainFactory.Grain<IClusterGrain>(State.Profile.HubCluster).Merge(cluster);
        }
        State.Profile.FlaggedClusters.Clear();
        if (_linked.Count > 256) _linked.Clear();
    }

    /// <summary>
    /// An IP or proxy links its members' clusters only when most of its traffic comes from accounts that their
    /// own signals flag: a crowd of ordinary users never merges anything, whatever it shares.
    /// </summary>
    private bool IsHub(PolicyView policy) =>
        State.Profile.FlaggedShare() >= policy["cluster.link_flagged_share"] && State.Profile.Accounts.Estimate() >= policy["cluster.link_min_accounts"];

    public async Task SetOverride(OverrideAction action)
    {
        State.Override = action;
        await WriteThrough();
        var policy = await policies.Get();
        _watchers?.TellIfMoved(() => Risk(policy), policy["push.min_score_change"]);
    }

    private EntityRisk Risk(PolicyView policy) => State.Profile.Assess(policy, FanoutReason).ToRisk(State.Override, State.Profile.Events);
}

public sealed class IpGrain(
    [PersistentState("ip", RiskGrainOptions.StorageName)] IPersistentState<NetworkState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger<IpGrain> log) : NetworkGrain(state, options, policies, log, EntityKind.Ip), IIpGrain;

public sealed class ProxyGrain(
    [PersistentState("proxy", RiskGrainOptions.StorageName)] IPersistentState<NetworkState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger<ProxyGrain> log) : NetworkGrain(state, options, policies, log, EntityKind.Proxy), IProxyGrain;
