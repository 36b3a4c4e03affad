using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Risk.Grains;
using Risk.Tests.Shared;

namespace Risk.Silo.Tests;

/// <summary>A one-silo cluster on Azure Table storage in Azurite. Two of them with the same table and service id are the same deployment, restarted.</summary>
public static class StorageCluster
{
    public static async Task<InProcessTestCluster> Start(string tableName, string serviceId, TimeSpan? checkpointInterval = null, int checkpointWritesPerSecond = 200)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Risk:CheckpointInterval"] = (checkpointInterval ?? TimeSpan.FromMinutes(10)).ToString(),
            ["Risk:CheckpointWritesPerSecond"] = checkpointWritesPerSecond.ToString(),
        }).Build();
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRiskStorage(new RiskHostOptions { Storage = StorageKind.Azurite, AzureConnectionString = Azurite.ConnectionString, TableName = tableName });
            silo.AddRiskGrains(configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
