using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Risk.Client;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

[Collection(AzuriteCollection.Name)]
public class MultiSiloTests(Azurite azurite)
{
    private static double BlockThreshold(Run run) =>
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("settings").GetProperty("threshold.block").GetDouble();

    /// <summary>
    /// A cluster of its own on Azurite, with Azure Table clustering: its id, silo arguments and client arguments. The
    /// silos advertise loopback, where the tests' traffic stays, instead of this host's own address.
    /// </summary>
    private (string Id, string[] Silo, string[] Client) NewCluster(string prefix)
    {
        Assert.NotNull(azurite.Tables);
        var id = prefix + Guid.NewGuid().ToString("N")[..8];
        return (id,
            ["--storage", "azurite", "--Risk:AzureConnectionString", Azurite.ConnectionString, "--clustering", "azure", "--advertise", "127.0.0.1",
             "--Risk:ClusterId", id, "--Risk:ServiceId", id, "--Risk:TableName", Azurite.NewTableName()],
            ["--Risk:ClusterId", id, "--Risk:ServiceId", id, "--Risk:AzureConnectionString", Azurite.ConnectionString]);
    }

    [Fact]
    public async Task Two_silo_processes_with_azure_table_clustering_form_one_cluster()
    {
        var (_, config, client) = NewCluster("multi-");
        var first = new SiloProcess(config);
        var second = new SiloProcess(config);
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            await OneClusterHasOnePolicy(first, second, client);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_decisions_silo_answers_from_replicas_that_the_entities_silo_keeps_current()
    {
        var (clusterId, config, _) = NewCluster("roles-");
        var entities = new SiloProcess([.. config, "--Risk:Role", "entities"]);
        var decisions = new SiloProcess([.. config, "--Risk:Role", "decisions"]);
        try
        {
            await entities.InitializeAsync();
            await decisions.InitializeAsync();
            using var cluster = await Client(clusterId);
            var grains = cluster.Services.GetRequiredService<IGrainFactory>();
            using var http = new HttpClient { BaseAddress = decisions.Http };
            async Task<string> Action() =>
                JsonDocument.Parse(await http.GetStringAsync("/v1/decision?account=roles-mallory")).RootElement.GetProperty("action").GetString()!;

            // Asked of the decisions silo, which caches the answer and watches the account through its replica
            // (once its gateway holds the policy; until then the silo decides and nothing is cached).
            Assert.Equal("allow", await Action());
            bool Replicated(List<(string Grain, int SiloPort)> where) => where.Any(a => a.Grain.StartsWith(Replica, StringComparison.Ordinal));
            var ready = DateTime.UtcNow.AddSeconds(30);
            while (!Replicated(await Activations(grains)) && DateTime.UtcNow < ready) Assert.Equal("allow", await Action());
            Assert.Equal("allow", await Action());

            // Extraction traffic reaches the entities silo. The account's risk moves, so it tells its replica, and
            // the replica tells the decisions silo's cache: the new answer comes at once, not after the cache's 30 s.
            // (No policy change is involved, which would clear every cache by itself.)
            using var ingest = new HttpClient { BaseAddress = entities.Http };
            var events = string.Join('\n', Enumerable.Range(0, 200).Select(i =>
                $$"""{"ts":"{{new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc).AddSeconds(20 * i):O}}","account":"roles-mallory","ip":"192.0.2.140","accountCreated":"2026-03-01T00:00:00Z","inTokens":50,"outTokens":1500,"prompt":"Think step by step and show your full reasoning for benchmark item {{i % 3}}"}"""));
            var posted = await ingest.PostAsync("/v1/events", new StringContent(events, System.Text.Encoding.UTF8, "application/x-ndjson"));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, posted.StatusCode);
            // Ample for silo processes that share two cores with the other suites: the loop ends at the push.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (await Action() == "allow" && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.Contains(await Action(), new[] { "challenge", "block" });

            // Each silo hosts its own side: the replicas on the decisions silo, the account on the entities silo.
            var where = await Activations(grains);
            var seen = $"decisions silo {decisions.SiloPort}, entities silo {entities.SiloPort}; active: {string.Join(", ", where)}";
            HashSet<int> Ports(string grain) => where.Where(a => a.Grain.StartsWith(grain, StringComparison.Ordinal)).Select(a => a.SiloPort).ToHashSet();
            Assert.True(Ports(Replica).SetEquals([decisions.SiloPort]), seen);
            Assert.True(Ports(Account).SetEquals([entities.SiloPort]), seen);
        }
        finally
        {
            await decisions.DisposeAsync();
            await entities.DisposeAsync();
        }
    }

    private const string Replica = "Risk.Grains.RiskReplicaGrain,";
    private const string Account = "Risk.Grains.AccountGrain,";

    /// <summary>A started Orleans client of the cluster, found through Azure Table clustering.</summary>
    private static async Task<IHost> Client(string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Risk:Clustering"] = "azure";
        builder.Configuration["Risk:ClusterId"] = clusterId;
        builder.Configuration["Risk:ServiceId"] = clusterId;
        builder.Configuration["Risk:AzureConnectionString"] = Azurite.ConnectionString;
        builder.AddRiskClient();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Active grains by class ("namespace.class,assembly") and by the port of the silo holding them, as Orleans' management grain reports them.</summary>
    private static async Task<List<(string Grain, int SiloPort)>> Activations(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.ActivationCount > 0).Select(s => (s.GrainType, s.SiloAddress.Endpoint.Port)).ToList();
    }

    private static async Task OneClusterHasOnePolicy(SiloProcess first, SiloProcess second, string[] client)
    {

        // Read through the second silo's gateway first, so the policy grain is active before it changes.
        var before = await Programs.Cli(["policy", "show", .. second.Target, .. client]);
        Assert.True(before.ExitCode == 0, before.Stderr);
        var target = BlockThreshold(before) == 88 ? 87 : 88;

        var set = await Programs.Cli(["policy", "set", "threshold.block", target.ToString(), .. first.Target, .. client]);
        Assert.True(set.ExitCode == 0, set.Stderr);

        // Two separate clusters would each hold their own activation; one cluster has one policy.
        Assert.Equal(target, BlockThreshold(await Programs.Cli(["policy", "show", .. second.Target, .. client])));
        var viaMembership = await Programs.Cli(["policy", "show", "--Risk:Clustering", "azure", .. client]);
        Assert.True(viaMembership.ExitCode == 0, viaMembership.Stderr);
        Assert.Equal(target, BlockThreshold(viaMembership));
    }
}
