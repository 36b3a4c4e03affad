using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Risk.Tests.Shared;
using Xunit.Abstractions;

namespace Risk.Cli.Tests;

/// <summary>A fourth silo joins during a replay on three, then one leaves with SIGTERM, as an operator scales.</summary>
[Collection(AzuriteCollection.Name)]
public class ScaleTests(Azurite azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_that_joins_and_one_that_leaves_with_SIGTERM_during_a_replay_lose_no_event_and_ingest_goes_on()
    {
        Assert.NotNull(azurite.Tables);
        var (silo, client) = ReplayCluster.New("scale-");
        var silos = new List<SiloProcess> { new(silo), new(silo), new(silo) };
        var dir = Directory.CreateTempSubdirectory("risk-scale-").FullName;
        SiloProcess? leavingSilo = null;
        try
        {
            foreach (var s in silos) await s.InitializeAsync();
            var (events, expected) = await ReplayCluster.Simulate(dir, scale: 8, seed: 11);
            var export = Path.Combine(dir, "accounts.jsonl");

            var clock = Stopwatch.StartNew();
            var rates = new List<(double At, long Applied)>();
            using var sampling = new CancellationTokenSource();
            var sampler = Sample(silos, rates, clock, sampling.Token);
            var replay = Programs.Exec("dotnet", [Programs.Risk, "replay", "--events", events, "--batch-size", "500", "--json",
                "--export-accounts", export, .. client], TimeSpan.FromMinutes(4));

            // Under way on three silos first (the replay's own start takes a few seconds).
            for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(200))
                lock (rates) if (rates.Count > 0 && rates[^1].Applied >= 10_000) break;
            await Task.Delay(TimeSpan.FromSeconds(3));
            var joined = clock.Elapsed.TotalSeconds;
            var fourth = new SiloProcess(silo);
            await fourth.InitializeAsync();
            lock (silos) silos.Add(fourth);
            var ready = clock.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(4));
            var leaving = leavingSilo = silos[0];
            var left = clock.Elapsed.TotalSeconds;
            lock (silos) silos.Remove(leaving);
            Assert.Equal(0, await leaving.Terminate(TimeSpan.FromSeconds(90)));
            var gone = clock.Elapsed.TotalSeconds;

            var run = await replay;
            var done = clock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;

            Assert.True(run.ExitCode == 0, run.Stderr);
            var summary = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;
            var total = expected.Values.Sum();
            Assert.Equal(total, summary.GetProperty("accepted").GetInt64());
            // Every account answers, with every event it was sent, as soon as the replay ends: no grain has a second
            // activation that holds some of its events unstored while the silos change (the strongly consistent grain
            // directory), and one that moves takes its state along.
            var (verdicts, lost) = ReplayCluster.Compare(export, expected);
            foreach (var line in leaving.Log.Split('\n').Where(l => l.StartsWith("warn:") || l.StartsWith("fail:")).Take(10)) output.WriteLine("leaving silo: " + line);
            Assert.DoesNotContain("Error while dehydrating", leaving.Log);
            Assert.True(lost == 0, lost == 0 ? "" : Explain(verdicts, expected, [leaving, .. silos]));

            double Rate(double from, double to)
            {
                (double At, long Applied)[] inside;
                lock (rates) inside = rates.Where(r => r.At >= from && r.At <= to).ToArray();
                return inside.Length < 2 ? double.NaN : (inside[^1].Applied - inside[0].Applied) / (inside[^1].At - inside[0].At);
            }
            // Ingest goes on through both changes.
            Assert.True(Rate(ready, left) > 0 && Rate(gone, done) > 0, "no events were applied on four silos, or on three after one left");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{total} events: {Rate(0, joined):0} events/s on three silos, {Rate(joined, ready):0} while a fourth joined, " +
                $"{Rate(ready, left):0} on four, {Rate(left, gone):0} while one left (SIGTERM, {gone - left:0.0} s), {Rate(gone, done):0} on three after; " +
                $"replay {done:0.0} s, {summary.GetProperty("retries").GetInt64()} sends retried; counter state lost in the handoff: {lost} events"));
        }
        finally
        {
            foreach (var s in silos) await s.DisposeAsync();
            if (leavingSilo is not null) await leavingSilo.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// What a failure needs to be understood: what each silo logged of its storage, then the accounts short of events and
    /// each silo's conflicts, last, since a CI log keeps only the end of a failed test's output. Returned for the
    /// assertion's message too.
    /// </summary>
    private string Explain(JsonElement[] verdicts, Dictionary<string, long> expected, IEnumerable<SiloProcess> silos)
    {
        var summary = new List<string>();
        var i = 0;
        foreach (var silo in silos)
        {
            var lines = silo.Log.Split('\n');
            for (var at = 0; at < lines.Length; at++)
                if (lines[at].StartsWith("warn:") || lines[at].StartsWith("fail:") || lines[at].Contains("Risk.Grains", StringComparison.Ordinal))
                    output.WriteLine($"silo {i}: {lines[at]} {(at + 1 < lines.Length ? lines[at + 1].Trim() : "")}");
            summary.Add($"silo {i}: {lines.Count(l => l.Contains("Storage holds a newer record", StringComparison.Ordinal))} activations dropped on a newer record, " +
                $"{lines.Count(l => l.Contains("Storage held a record", StringComparison.Ordinal))} reconciled, " +
                $"{lines.Count(l => l.StartsWith("fail:", StringComparison.Ordinal))} errors");
            i++;
        }
        foreach (var v in verdicts.Select(v => (Account: v.GetProperty("account").GetString()!, Events: v.GetProperty("events").GetInt64()))
                     .Where(v => v.Events < expected[v.Account]).Take(20))
            summary.Add($"short: {v.Account} has {v.Events} of {expected[v.Account]}");
        foreach (var line in summary) output.WriteLine(line);
        return string.Join("\n", summary);
    }

    /// <summary>Every half second, the events the live silos have applied, from their /metrics.</summary>
    private static async Task Sample(List<SiloProcess> silos, List<(double, long)> into, Stopwatch clock, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var last = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        while (!ct.IsCancellationRequested)
        {
            SiloProcess[] live;
            lock (silos) live = [.. silos];
            await Task.WhenAll(live.Select(async s =>
            {
                try
                {
                    last[s.HttpPort] = await ReplayCluster.AcceptedEvents(http, s.Http, ct);
                }
                // A silo on its way in or out keeps its last count; a scrape cut short by the end of sampling ends quietly.
                catch (Exception) { }
            }));
            lock (into) into.Add((clock.Elapsed.TotalSeconds, last.Values.Sum()));
            try { await Task.Delay(500, ct); } catch (OperationCanceledException) { }
        }
    }
}
