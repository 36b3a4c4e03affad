namespace Risk.Contracts;

/// <summary>An IP address or a proxy: the accounts behind it, as context for their decisions.</summary>
[Alias("risk.INetworkGrain")]
public interface INetworkGrain : IOverridable
{
    /// <summary>Applies one batch of sightings and returns the entity's risk after them.</summary>
    /// <param name="sightings">Never changed after the call, so a call within a silo passes it without a copy.</param>
    [Alias("Observe")]
    Task<EntityRisk> Observe([Immutable] IReadOnlyList<NetworkSighting> sightings);

    [Alias("GetRisk"), ReadOnly, AlwaysInterleave]
    Task<EntityRisk> GetRisk();

    /// <summary>The statuses of the accounts this entity carried in a batch. One-way: ingest does not wait for it.</summary>
    [Alias("NoteMembers"), OneWay]
    Task NoteMembers([Immutable] IReadOnlyList<MemberStatus> members);
}

/// <summary>Keyed by <see cref="GrainKeys.Ip"/>: canonical address text, escaped.</summary>
[Alias("risk.IIpGrain")]
public interface IIpGrain : INetworkGrain;

/// <summary>Keyed by <see cref="GrainKeys.Proxy"/>.</summary>
[Alias("risk.IProxyGrain")]
public interface IProxyGrain : INetworkGrain;
