using Orleans.Placement;
using Risk.Contracts;

namespace Risk.Grains;

/// <summary>Placed on the silo the caller reaches, so that a ping is one hop on any silo of a cluster with several.</summary>
[PreferLocalPlacement]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task Ping() => Task.CompletedTask;
}
