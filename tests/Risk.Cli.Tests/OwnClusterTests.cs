using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Risk.Client;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>Silos that tests start at once on one machine, as two checkouts' test runs do, stay clusters of their own.</summary>
[Collection(AzuriteCollection.Name)]
public class OwnClusterTests(Azurite azurite)
{
    [Fact]
    public async Task Two_silos_started_at_once_with_the_default_test_options_and_one_membership_table_stay_two_clusters()
    {
        Assert.NotNull(azurite.Tables);
        // Azure Table clustering on one Azurite and no cluster id given: only ids of their own keep them apart.
        string[] args = ["--storage", "memory", "--clustering", "azure", "--Risk:AzureConnectionString", Azurite.ConnectionString, "--advertise", "127.0.0.1"];
        var silos = new[] { new SiloProcess(args), new SiloProcess(args) };
        try
        {
            await Task.WhenAll(silos.Select(s => s.InitializeAsync()));

            Assert.NotEqual(silos[0].ClusterId, silos[1].ClusterId);
            var ports = silos.SelectMany(s => new[] { s.SiloPort, s.GatewayPort, s.HttpPort }).ToArray();
            Assert.Equal(ports.Length, ports.Distinct().Count());
            // Never the ports a silo on the defaults (a user's, or one from the README) takes.
            Assert.Empty(ports.Intersect([11111, 30000, 8080]));
            foreach (var silo in silos) Assert.Equal([silo.SiloPort], await ActiveSiloPorts(silo));
        }
        finally
        {
            foreach (var s in silos) await s.DisposeAsync();
        }
    }

    /// <summary>The silo ports of the active silos in the cluster of <paramref name="silo"/>, as its gateway's client sees them.</summary>
    private static async Task<int[]> ActiveSiloPorts(SiloProcess silo)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Risk:GatewayPort"] = silo.GatewayPort.ToString();
        builder.Configuration["Risk:ClusterId"] = silo.ClusterId;
        builder.AddRiskClient();
        using var client = builder.Build();
        await client.StartAsync();
        var hosts = await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        await client.StopAsync();
        return [.. hosts.Keys.Select(h => h.Endpoint.Port)];
    }
}
