using System.Diagnostics;
using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Benchmarks;

/// <param name="Events">Events replayed.</param>
/// <param name="EventsLost">Events the replay never got accepted: none, since `risk replay` sends again what a dead silo failed.</param>
/// <param name="CounterEventsLost">Events accepted but missing from the accounts' counters after: what the killed silo had applied and not stored.</param>
/// <param name="FailoverSeconds">From the kill until every sampled account was decided again, not by the fail mode.</param>
/// <param name="RestartSeconds">From starting the killed silo again until it was Active in the cluster, reading the policy, and serving a client.</param>
public sealed record FailoverFigures(long Events, long EventsLost, long CounterEventsLost, double FailoverSeconds, double RestartSeconds);

/// <summary>
/// A silo killed and restarted as a crash and its supervisor would: three silo processes with Azure Table clustering and
/// storage on Azurite take a `risk replay`; once they have applied a third of it, one gets SIGKILL; once the survivors
/// decide every sampled account again, it is started again. Measured as the failover test measures it (ReplayCluster).
/// </summary>
public static class FailoverBenchmark
{
    /// <summary>Accounts asked about after the kill: enough that some lived on the killed silo.</summary>
    private const int SampledAccounts = 40;

    /// <param name="demoScale">The simulator's demo traffic at this scale is replayed (about 25,000 events per unit).</param>
    public static async Task<FailoverFigures> Run(double demoScale)
    {
        var ownAzurite = await AzuriteProcess.StartUnlessGiven();
        var dir = Directory.CreateTempSubdirectory("risk-bench-failover-").FullName;
        var silos = new List<SiloProcess>();
        var started = new List<SiloProcess>();
        var lost = false;
        try
        {
            // Checkpoints every 2 s, as in the failover test: a kill loses what its silo applied since its last one.
            var cluster = ReplayCluster.New("bench-failover-", "--Risk:CheckpointInterval", "00:00:02");
            var (events, perAccount) = await ReplayCluster.Simulate(dir, demoScale, seed: 7);
            var total = perAccount.Values.Sum();
            silos.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SiloProcess.Start(cluster.Silo))));
            started.AddRange(silos);

            var export = Path.Combine(dir, "accounts.jsonl");
            var replay = Programs.Exec("dotnet", [Programs.Risk, "replay", "--events", events, "--batch-size", "500", "--json",
                "--export-accounts", export, .. cluster.Client], TimeSpan.FromMinutes(10));
            await UntilApplied(silos, total / 3, replay);
            var killed = silos[1];
            var sinceKill = Stopwatch.StartNew();
            await killed.Kill();
            var failover = await ReplayCluster.EveryAccountDecided(silos[0].Http, perAccount.Keys.Take(SampledAccounts), sinceKill);
            silos.Remove(killed);
            await killed.DisposeAsync();
            var sinceRestart = Stopwatch.StartNew();
            silos.Add(await SiloProcess.Start(cluster.Silo));
            started.Add(silos[^1]);
            var restart = sinceRestart.Elapsed;

            var run = await replay;
            if (run.ExitCode != 0) throw new InvalidOperationException($"the replay failed ({run.ExitCode}): {run.Stderr}");
            var accepted = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement.GetProperty("accepted").GetInt64();
            // The replay names each refused line and why; a lost event is not understood without them.
            if (lost = accepted < total) Console.Error.WriteLine($"failover: the replay refused {total - accepted} events:\n{string.Join('\n', run.Stderr.Split('\n').Where(l => l.StartsWith("line ", StringComparison.Ordinal) || l.StartsWith('…')))}");
            var (_, counterLost) = ReplayCluster.Compare(export, perAccount);
            return new FailoverFigures(total, total - accepted, counterLost, failover.TotalSeconds, restart.TotalSeconds);
        }
        finally
        {
            // Killed, not stopped: a graceful stop would write every dirty grain, which nothing reads after.
            foreach (var silo in silos)
            {
                await silo.Kill();
                await silo.DisposeAsync();
            }
            // Why the silos refused them: each one's errors, the killed one's included.
            if (lost)
                foreach (var (silo, i) in started.Select((s, i) => (s, i)))
                {
                    // An error's first line names its logger; the two after it say what and why.
                    var log = (await silo.Log).Split('\n');
                    foreach (var at in Enumerable.Range(0, log.Length).Where(at => log[at].StartsWith("fail:", StringComparison.Ordinal)).Take(10))
                        Console.Error.WriteLine($"failover: silo {i} logged {string.Join(" ", log.Skip(at).Take(3).Select(l => l.Trim()))}");
                }
            Directory.Delete(dir, recursive: true);
            if (ownAzurite is not null) await AzuriteProcess.Stop(ownAzurite);
        }
    }

    /// <summary>Waits until the silos have applied <paramref name="events"/> between them, polling their /metrics.</summary>
    private static async Task UntilApplied(List<SiloProcess> silos, long events, Task<Run> replay)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (replay.IsCompleted) throw new InvalidOperationException("the replay ended before the kill: " + (await replay).Stderr);
            var applied = await Task.WhenAll(silos.Select(s => ReplayCluster.AcceptedEvents(http, s.Http)));
            if (applied.Sum() >= events) return;
            await Task.Delay(200);
        }
    }
}
