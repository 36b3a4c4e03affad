using Risk.Contracts;

namespace Risk.Grains;

public sealed class PingGrain : Grain, IPingGrain
{
    public Task Ping() => Task.CompletedTask;
}
