using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;
using Risk.Grains;
using Risk.Silo;

namespace Risk.Grains.Tests;

/// <summary>Grain ids whose writes fail while armed, as a storage outage fails them.</summary>
public sealed class StorageFaults
{
    private readonly HashSet<string> _armed = [];

    public void Arm(string grainIdPart) { lock (_armed) _armed.Add(grainIdPart); }
    public void Disarm() { lock (_armed) _armed.Clear(); }

    public bool Fails(GrainId id)
    {
        var text = id.ToString();
        lock (_armed) return _armed.Any(text.Contains);
    }
}

/// <summary>The silo's memory storage, with writes that fail on demand.</summary>
public sealed class FaultyStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.Fails(grainId) ? Task.FromException(new IOException($"storage unavailable for {grainId}")) : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}

/// <summary>A one-silo cluster whose storage can be made to fail writes for chosen grains.</summary>
public sealed class FaultyStorageCluster : IAsyncLifetime
{
    public StorageFaults Faults { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The silo's storage itself, as another activation of a grain, on another silo, writes it.</summary>
    public IGrainStorage Storage => Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("healthy");

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        var faults = Faults;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRiskStorage(new RiskHostOptions { Storage = StorageKind.Memory });
            silo.AddMemoryGrainStorage("healthy");
            silo.Services.AddKeyedSingleton<IGrainStorage>(RiskGrainOptions.StorageName,
                (sp, _) => new FaultyStorage(sp.GetRequiredKeyedService<IGrainStorage>("healthy"), faults));
            silo.AddRiskGrains(new ConfigurationBuilder().Build());
            // This storage stands for a table that another silo's activations write to as well, so entities keep their
            // changes since their last write as they do on Azure Table (memory storage alone turns that off).
            silo.Services.PostConfigure<RiskGrainOptions>(o => o.UnstoredChangesKept = new RiskGrainOptions().UnstoredChangesKept);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await ClusterFixture.PolicyCacheOf(Cluster.Silos[0]).Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
