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
    string fanoutReason) : WriteBehindGrain<NetworkState>(state, options), INetworkGrain
{
    public async Task<EntityRisk> Observe(IReadOnlyList<NetworkSighting> sightings)
    {
        foreach (var s in sightings) State.Profile.Observe(s);
        MarkDirty();
        return Risk(await policies.Get());
    }

    public async Task<EntityRisk> GetRisk() => Risk(await policies.Get());

    public Task NoteMembers(IReadOnlyList<MemberStatus> members)
    {
        foreach (var m in members) State.Profile.Observe(m, State.Profile.LastSeen);
        MarkDirty();
        return Task.CompletedTask;
    }

    public async Task SetOverride(OverrideAction action)
    {
        State.Override = action;
        await WriteThrough();
    }

    private EntityRisk Risk(PolicyView policy) => State.Profile.Assess(policy, fanoutReason).ToRisk(State.Override, State.Profile.Events);
}

public sealed class IpGrain(
    [PersistentState("ip", RiskGrainOptions.StorageName)] IPersistentState<NetworkState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies) : NetworkGrain(state, options, policies, ReasonCodes.IpFanout), IIpGrain;

public sealed class ProxyGrain(
    [PersistentState("proxy", RiskGrainOptions.StorageName)] IPersistentState<NetworkState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies) : NetworkGrain(state, options, policies, ReasonCodes.ProxyFanout), IProxyGrain;
