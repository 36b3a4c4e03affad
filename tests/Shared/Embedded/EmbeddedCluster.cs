using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Risk.Client;
using Risk.Grains;
using Risk.Silo;

namespace Risk.Tests.Shared;

/// <summary>A one-silo cluster on memory storage, as `risk replay --embedded` uses.</summary>
public class EmbeddedCluster : IAsyncLifetime
{
    /// <summary>What a test cluster adds to the silo (a call filter, say), after Risk's own registrations.</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo) { }

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public RiskClient Client => new(Cluster.Client);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRiskStorage(new RiskHostOptions());
            silo.AddRiskGrains(new ConfigurationBuilder().Build());
            ConfigureSilo(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Cluster.Silos[0].ServiceProvider.GetRequiredService<PolicyCache>().Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
