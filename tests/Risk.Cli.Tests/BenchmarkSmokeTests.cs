using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>Tests that load the machine: they run alone, after the others, so no test's timing margin pays for them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "alone";
}

/// <summary>The benchmark harness still runs and still reports every figure. It measures nothing here: CI machines are noisy.</summary>
[Collection(Alone.Name)]
public class BenchmarkSmokeTests
{
    [Fact]
    public async Task The_benchmark_harness_runs_and_prints_its_figures_as_json()
    {
        using var process = Programs.Start(Programs.Benchmarks, ["--smoke", "--no-nginx"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        var figures = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]).RootElement;
        // The fields, then the storage, hot-spot and idle-gateway figures, and the misses that call replicas.
        string[] names =
        [
            "events_per_s", "ping_calls_per_s", "ingest_ratio", "decide_p50_us", "decide_p99_us", "ping_p99_us", "latency_ratio",
            "cached_decide_p99_us", "decide_cold_p99_us", "decide_cold_ping_p99_us", "decide_cold_ratio", "decide_cold_known_p99_us",
            "decide_cold_known_ping_p99_us", "decide_cold_known_ratio", "decide_first_miss_p99_us", "rss_mb_per_10k_accounts", "live_heap_kb_per_account", "azurite_vs_memory", "azurite_vs_memory_per_silo_cpu",
            "persisted_bytes_per_account", "hot_vs_spread", "idle_ping_p99_us", "idle_replica_miss_p99_us",
            "replica_miss_p50_us", "replica_miss_p99_us", "replica_miss_latency_ratio",
            "decisions_silo_ping_p99_under_ingest_us", "replica_miss_vs_decisions_silo_ping_under_ingest",
            "failover_events", "failover_s", "restart_s",
        ];
        foreach (var name in names) Assert.True(figures.GetProperty(name).GetDouble() > 0, name);
        // Both silos' GC pauses under ingest, read over EventPipe, and the pushes that reached the gateway during the
        // misses: a smoke run may have none, but it reports them.
        string[] counted = ["silo_gc_pause_share_under_ingest", "silo_gc_pause_max_ms_under_ingest", "decisions_silo_gc_pause_max_ms_under_ingest", "gateway_pushes_during_misses",
            "replica_calls_during_held_misses"];
        foreach (var name in counted) Assert.True(figures.GetProperty(name).GetDouble() >= 0, name);
        // A killed silo loses no event the replay sent: what it failed is sent again. Its unsaved counter state it may lose.
        var lost = figures.GetProperty("failover_events_lost").GetInt64();
        Assert.True(lost == 0, $"{lost} events lost; the benchmark's last words:\n{string.Join('\n', (await stderr).Trim().Split('\n').TakeLast(30))}");
        Assert.True(figures.GetProperty("failover_counter_events_lost").GetInt64() >= 0);
    }
}
