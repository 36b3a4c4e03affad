using System.Diagnostics;
using System.Text.Json;
using Risk.Tests.Shared;
using Xunit.Abstractions;

namespace Risk.Cli.Tests;

/// <summary>Three silo processes on Azurite; one is killed with SIGKILL while a replay runs.</summary>
[Collection(AzuriteCollection.Name)]
public class FailoverTests(Azurite azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_killed_during_a_replay_loses_no_event_and_nothing_an_operator_set()
    {
        Assert.NotNull(azurite.Tables);
        var (silo, client) = ReplayCluster.New("failover-", "--Risk:CheckpointInterval", "00:00:02");
        var silos = new[] { new SiloProcess(silo), new SiloProcess(silo), new SiloProcess(silo) };
        var dir = Directory.CreateTempSubdirectory("risk-failover-").FullName;
        try
        {
            foreach (var s in silos) await s.InitializeAsync();
            var (events, expected) = await ReplayCluster.Simulate(dir, scale: 2, seed: 7);

            // What an operator set before the crash.
            Assert.Equal(0, (await Programs.Cli(["override", "failover-mallory", "block", .. client])).ExitCode);
            Assert.Equal(0, (await Programs.Cli(["policy", "set", "throttle.retry_after_s", "45", .. client])).ExitCode);

            var export = Path.Combine(dir, "accounts.jsonl");
            var replay = Programs.Exec("dotnet", [Programs.Risk, "replay", "--events", events, "--batch-size", "500", "--json",
                "--export-accounts", export, .. client], TimeSpan.FromMinutes(3));
            await Task.Delay(TimeSpan.FromSeconds(3));
            var killedAt = Stopwatch.StartNew();
            await silos[1].DisposeAsync(); // SIGKILL
            // Failover as a gateway sees it: until every sampled account is decided again rather than by the fail
            // mode, some of them lived on the dead silo.
            var failover = ReplayCluster.EveryAccountDecided(silos[0].Http, expected.Keys.Take(40), killedAt);
            var run = await replay;
            var afterKill = killedAt.Elapsed;
            var failedOverIn = await failover;

            Assert.True(run.ExitCode == 0, $"replay exited {run.ExitCode} after {afterKill}:\n{run.Stdout}\n{run.Stderr}\nthe killed silo's log:\n{silos[1].Log[^Math.Min(3000, silos[1].Log.Length)..]}");
            var summary = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;
            var total = expected.Values.Sum();
            Assert.Equal(total, summary.GetProperty("events").GetInt64());
            Assert.Equal(total, summary.GetProperty("accepted").GetInt64());
            // Every account answered for the export, once the survivors had taken the dead silo's grains over.
            var (_, lost) = ReplayCluster.Compare(export, expected);
            Assert.True(failedOverIn < TimeSpan.FromSeconds(60), $"some accounts were still answered by the fail mode {failedOverIn} after the kill");

            // Nothing an operator set is lost.
            var decided = await Programs.Cli(["decide", "--account", "failover-mallory", .. client]);
            Assert.Contains("override_block", decided.Stdout);
            var policy = JsonDocument.Parse((await Programs.Cli(["policy", "show", .. client])).Stdout).RootElement;
            Assert.Equal(45, policy.GetProperty("settings").GetProperty("throttle.retry_after_s").GetDouble());

            // Counter state applied on the dead silo since its last checkpoint is what a crash may lose.
            output.WriteLine($"{total} events, {expected.Count} accounts; every sampled account decided {failedOverIn.TotalSeconds:0.0} s after the kill; " +
                $"replay done {afterKill.TotalSeconds:0.0} s after it, " +
                $"{summary.GetProperty("retries").GetInt64()} sends retried, {summary.GetProperty("duplicates").GetInt64()} duplicates; " +
                $"events applied but lost with the dead silo's unsaved state: {lost} ({100.0 * lost / total:0.0} %)");
            Assert.True(lost < total / 3, $"{lost} of {total} events lost from counters");
        }
        finally
        {
            foreach (var s in silos) await s.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
