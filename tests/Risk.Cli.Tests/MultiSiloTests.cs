using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

[Collection(AzuriteCollection.Name)]
public class MultiSiloTests(Azurite azurite)
{
    private static double BlockThreshold(Run run) =>
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("settings").GetProperty("threshold.block").GetDouble();

    [Fact]
    public async Task Two_silo_processes_with_azure_table_clustering_form_one_cluster()
    {
        Assert.NotNull(azurite.Tables);
        var clusterId = "multi-" + Guid.NewGuid().ToString("N")[..8];
        string[] config = ["--storage", "azurite", "--clustering", "azure", "--Risk:ClusterId", clusterId, "--Risk:ServiceId", clusterId,
            "--Risk:TableName", Azurite.NewTableName()];
        string[] client = ["--Risk:ClusterId", clusterId, "--Risk:ServiceId", clusterId];
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
