using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Risk.Client;
using Risk.Tests.Shared;
using Xunit.Abstractions;

namespace Risk.Cli.Tests;

/// <summary>
/// Storage goes away for 30 s while a replay runs: a silo process on Azure Table storage, in an Azurite of the test's
/// own that the test stops and starts again on the same port and data directory.
/// <para>
/// Clustering is localhost, one silo. With Azure Table clustering on the same Azurite the outage would hit the
/// membership table too, and what this test holds the silo to (ingest going on, state written once storage returns)
/// would be mixed with how Orleans' membership rides out losing its table. Membership in a second Azurite would
/// isolate that again, at the cost of a process; one silo on localhost clustering is what a storage outage alone does
/// to a silo.
/// </para>
/// <para>
/// The replay is sized to end within the outage, so that what is dirty when storage returns is what the outage left,
/// not what the replay keeps changing; the wait for the dirty count to fall is measured from storage's return (or the
/// replay's end, should a slow machine still be replaying then).
/// </para>
/// </summary>
[Collection(Alone.Name)]
public class StorageOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Beyond one checkpoint interval, for the dirty count to reach 0 after storage returns: a probe notices it within
    /// a second, the writes due last take a moment (Azurite here writes about 500 a second with the silo busy
    /// beside it), and /metrics is read every half second.
    /// </summary>
    private static readonly TimeSpan DrainAllowance = TimeSpan.FromSeconds(3);

    private sealed record Reading(double At, long Accepted, long Writes, long Failures, long Dirty);

    [Fact]
    public async Task A_storage_outage_during_a_replay_loses_no_event_ingest_goes_on_and_dirty_state_is_written_within_an_interval_of_its_return()
    {
        var dir = Directory.CreateTempSubdirectory("risk-outage-").FullName;
        await using var storage = new OwnAzurite(Path.Combine(dir, "azurite"));
        await storage.Start();
        var id = "outage-" + Guid.NewGuid().ToString("N")[..8];
        string[] siloArgs =
        [
            "--storage", "azure", "--Risk:AzureConnectionString", storage.ConnectionString, "--Risk:ClusterId", id, "--Risk:ServiceId", id,
            "--Risk:TableName", Azurite.NewTableName(), "--Risk:CheckpointInterval", Interval.ToString(),
            // The budget writes what one interval leaves dirty well within the interval, so that what the test measures
            // is when the grains write, not how fast the budget lets them.
            "--Risk:CheckpointWritesPerSecond", "2000",
        ];
        var silo = new SiloProcess(siloArgs);
        var restarted = new SiloProcess(siloArgs);
        try
        {
            await silo.InitializeAsync();
            var (events, expected) = await ReplayCluster.Simulate(dir, scale: 4, seed: 7);
            var total = expected.Values.Sum();
            // The first events go first, and are checkpointed: storage goes away from a silo with state on it.
            var lines = File.ReadAllLines(events);
            var (first, rest) = (Path.Combine(dir, "first.jsonl"), Path.Combine(dir, "rest.jsonl"));
            File.WriteAllLines(first, lines[..(lines.Length / 10)]);
            File.WriteAllLines(rest, lines[(lines.Length / 10)..]);
            string[] replayArgs = ["--batch-size", "500", "--json", .. silo.Target, "--Risk:ClusterId", id, "--Risk:ServiceId", id];

            var clock = Stopwatch.StartNew();
            var samples = new List<Reading>();
            using var sampling = new CancellationTokenSource();
            var sampler = Sample(silo, samples, clock, sampling.Token);
            var warm = await Programs.Exec("dotnet", [Programs.Risk, "replay", "--events", first, .. replayArgs], TimeSpan.FromMinutes(2));
            Assert.True(warm.ExitCode == 0, warm.Stderr);
            await Until(() => Last(samples) is { Writes: > 0, Dirty: 0 }, Interval * 3, "the first events were never checkpointed");

            var replay = Programs.Exec("dotnet", [Programs.Risk, "replay", "--events", rest, .. replayArgs], TimeSpan.FromMinutes(4));
            var replayDone = replay.ContinueWith(_ => clock.Elapsed.TotalSeconds, TaskScheduler.Default);
            var warmed = Last(samples)!.Accepted;
            // Under way before storage goes.
            await Until(() => Last(samples)!.Accepted >= warmed + 10_000, TimeSpan.FromSeconds(60), "the replay never got under way");
            var stopped = clock.Elapsed.TotalSeconds;
            await storage.Stop();
            var acceptedAtStop = Last(samples)!.Accepted;

            // What a probe and an operator read meanwhile.
            using var http = new HttpClient { BaseAddress = silo.Http, Timeout = TimeSpan.FromSeconds(10) };
            var readiness = (Status: 0, Text: "");
            for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline && !readiness.Text.Contains("storage", StringComparison.Ordinal); await Task.Delay(500))
            {
                using var answer = await http.GetAsync("/readyz");
                readiness = ((int)answer.StatusCode, await answer.Content.ReadAsStringAsync());
            }
            var logBefore = silo.Log.Length;

            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, Outage.TotalSeconds - (clock.Elapsed.TotalSeconds - stopped))));
            await storage.Start();
            var returned = clock.Elapsed.TotalSeconds;
            var outageLog = silo.Log[logBefore..];

            var run = await replay;
            var ended = await replayDone;
            var from = Math.Max(returned, ended);
            await Until(() => Last(samples) is { } s && s.At > from && s.Dirty == 0, TimeSpan.FromSeconds(90), "dirty state was never all written");
            await sampling.CancelAsync();
            await sampler;
            var drained = samples.First(s => s.At > from && s.Dirty == 0).At - from;

            Assert.True(run.ExitCode == 0, run.Stderr);
            long Accepted(Run r) => JsonDocument.Parse(r.Stdout.Trim().Split('\n')[^1]).RootElement.GetProperty("accepted").GetInt64();
            Assert.Equal(total, Accepted(warm) + Accepted(run));

            // While storage was away: writes failed and were counted, state was held dirty, and ingest went on.
            var during = samples.Where(s => s.At > stopped && s.At < returned).ToArray();
            var appliedDuring = during[^1].Accepted - acceptedAtStop;
            var ingestEnd = Math.Min(returned, ended);
            var perSecond = appliedDuring / (ingestEnd - stopped);
            var started = samples.First(s => s.Accepted > warmed).At;
            var perSecondBefore = (acceptedAtStop - warmed) / (stopped - started);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{total} events, {expected.Count} accounts; {perSecondBefore:0} events/s before storage went; " +
                $"storage away {returned - stopped:0.0} s from {acceptedAtStop} events applied; " +
                $"{appliedDuring} applied while it was away ({perSecond:0} events/s until {(ended < returned ? "the replay ended" : "it returned")}); " +
                $"write failures {during[^1].Failures - during[0].Failures}, dirty at most {during.Max(s => s.Dirty)}; " +
                $"dirty at {(ended > returned ? "the replay's end" : "storage's return")} {samples.Last(s => s.At <= from).Dirty}, all written {drained:0.0} s later; " +
                $"readiness {readiness.Status} \"{readiness.Text}\"; the silo's log while storage was away: {outageLog.Split('\n').Length} lines"));
            Assert.True(during[^1].Failures > during[0].Failures, "no write failed while storage was away");
            Assert.True(during.Max(s => s.Dirty) > 0, "nothing was dirty while storage was away");
            // At least half as fast as while it wrote: a grain no longer waits on a write that cannot succeed.
            Assert.True(appliedDuring > 0 && perSecond >= perSecondBefore / 2,
                $"ingest slowed while storage was away: {perSecond:0} events/s against {perSecondBefore:0} before, {appliedDuring} of {total - acceptedAtStop} events applied");

            // Probes keep the silo in service (it still ingests and decides), and it says what is wrong.
            Assert.Equal(200, readiness.Status);
            Assert.Contains("storage has not answered", readiness.Text);

            // An operator reads a few lines an interval, not a stack trace per grain.
            var stackFrames = outageLog.Split('\n').Count(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
            Assert.True(stackFrames < 200 && outageLog.Split('\n').Length < 1000, $"the silo's log while storage was away:\n{outageLog[..Math.Min(20_000, outageLog.Length)]}");

            // Every grain storage failed is written within an interval of its return.
            Assert.True(drained <= (Interval + DrainAllowance).TotalSeconds, $"dirty state took {drained:0.0} s to be written after storage returned");

            // Nothing lost: a silo that knows only what storage holds counts every event of every account.
            await silo.DisposeAsync(); // SIGKILL: no flush on the way down
            await restarted.InitializeAsync();
            var counted = await Counts(restarted, id, expected.Keys);
            var differ = expected.Where(e => counted[e.Key] != e.Value).Select(e => $"{e.Key}: {counted[e.Key]} of {e.Value}").ToArray();
            Assert.True(differ.Length == 0, $"{differ.Length} accounts' counters differ from their events: {string.Join(", ", differ.Take(10))}");
        }
        finally
        {
            await silo.DisposeAsync();
            await restarted.DisposeAsync();
            await storage.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Reading? Last(List<Reading> samples)
    {
        lock (samples) return samples.Count > 0 ? samples[^1] : null;
    }

    private static async Task Until(Func<bool> condition, TimeSpan timeout, string failure)
    {
        for (var deadline = DateTime.UtcNow + timeout; !condition(); await Task.Delay(100))
            Assert.True(DateTime.UtcNow < deadline, failure);
    }

    /// <summary>Every half second, the silo's applied events, writes, write failures and dirty grains from its /metrics.</summary>
    private static async Task Sample(SiloProcess silo, List<Reading> into, Stopwatch clock, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = silo.Http, Timeout = TimeSpan.FromSeconds(5) };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var text = await http.GetStringAsync("/metrics", ct);
                long Sum(string name) => (long)MetricsText.Sum(text, name);
                var sample = new Reading(clock.Elapsed.TotalSeconds, Sum("risk_events_accepted_total"), Sum("risk_state_writes_total"),
                    Sum("risk_state_write_failures_total"), Sum("risk_state_dirty"));
                lock (into) into.Add(sample);
            }
            catch (Exception)
            {
                // A scrape that timed out on a busy silo: the next one counts. One cut short by the end of sampling: done.
                if (ct.IsCancellationRequested) return;
            }
            try { await Task.Delay(500, ct); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Each account's counted events, asked of the silo as `risk replay --export-accounts` asks.</summary>
    private static async Task<Dictionary<string, long>> Counts(SiloProcess silo, string clusterId, IEnumerable<string> accounts)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Risk:ClusterId"] = clusterId;
        builder.Configuration["Risk:ServiceId"] = clusterId;
        builder.Configuration["Risk:GatewayPort"] = silo.GatewayPort.ToString();
        builder.AddRiskClient();
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<RiskClient>();
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (account, _) => counted[account] = (await client.Verdict(account)).Events);
        await host.StopAsync();
        return new(counted);
    }
}
