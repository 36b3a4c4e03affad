using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Risk.Grains;
using Risk.Silo;

namespace Risk.Grains.Tests;

/// <summary>A two-silo in-process cluster on memory storage, shared by the tests of a class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Risk:CheckpointInterval"] = "00:00:01",
        }).Build();
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRiskStorage(new RiskHostOptions { Storage = StorageKind.Memory });
            silo.AddRiskGrains(configuration);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        // Each silo's policy cache subscribes in the background; wait until both hear pushes.
        foreach (var silo in Cluster.Silos) await PolicyCacheOf(silo).Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static PolicyCache PolicyCacheOf(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<PolicyCache>();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
