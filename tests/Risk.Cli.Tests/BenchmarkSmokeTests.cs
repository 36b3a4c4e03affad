using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>The benchmark harness still runs and still reports every figure. It measures nothing here: CI machines are noisy.</summary>
public class BenchmarkSmokeTests
{
    [Fact]
    public async Task The_benchmark_harness_runs_and_prints_its_figures_as_json()
    {
        using var process = Programs.Start(Programs.Benchmarks, ["--quick", "--no-nginx"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        var figures = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]).RootElement;
        foreach (var name in new[] { "ping_p99_us", "decide_miss_p99_us", "miss_vs_ping_p99", "cached_decide_p99_us" })
            Assert.True(figures.GetProperty(name).GetDouble() > 0, name);
    }
}
