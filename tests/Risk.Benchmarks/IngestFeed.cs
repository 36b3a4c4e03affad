using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Risk.Tests.Shared;

namespace Risk.Benchmarks;

/// <summary>
/// Ingest load from a process of its own (<c>Risk.Benchmarks feed</c>), for the decide step. The process that
/// measures decisions then only decides, as a load generator is not part of a gateway: built into the measuring
/// process, the generator's own GC pauses would be carried by the decision latencies measured. The feed makes the same traffic from the same seed, so nothing but its arguments crosses over.
/// </summary>
public sealed class IngestFeed
{
    private readonly Process _process;
    private readonly Task<string> _stdout;

    private IngestFeed(Process process)
    {
        (_process, _stdout) = (process, process.StandardOutput.ReadToEndAsync());
        _ = process.StandardError.ReadToEndAsync();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the feed and returns once it is connected and sending.</summary>
    public static async Task<IngestFeed> Start(SiloProcess silo, Scale scale, int seed, int copies, int first, double perSecond)
    {
        var process = Programs.Start(Programs.Benchmarks, ["feed", "--gateway-port", $"{silo.GatewayPort}", "--cluster-id", silo.ClusterId, "--scale", scale.Name,
            "--seed", $"{seed}", "--copies", $"{copies}", "--first", $"{first}", "--rate", $"{perSecond:F0}"], input: true);
        // The feed says "sending" on stderr once its traffic is made and its client connected.
        while (await process.StandardError.ReadLineAsync() is { } line)
            if (line == "sending") return new IngestFeed(process);
        throw new InvalidOperationException($"the ingest feed stopped before sending (exit code {process.ExitCode})");
    }

    /// <summary>Stops the feed and returns what it sent.</summary>
    public async Task<IngestFigures> Stop()
    {
        if (!_process.HasExited) await _process.StandardInput.WriteLineAsync("stop");
        await _process.WaitForExitAsync();
        return JsonSerializer.Deserialize<IngestFigures>((await _stdout).Trim().Split('\n')[^1])
            ?? throw new InvalidOperationException("the ingest feed printed no figures");
    }

    /// <summary>
    /// The feed's side: copies <paramref name="first"/>.. of the traffic at <paramref name="perSecond"/>, the same
    /// accounts going on period after period, until a line arrives on stdin; then its figures as one JSON line on
    /// stdout. Thirty simulated weeks is more than any step needs, and the last still ends before today.
    /// </summary>
    public static async Task Run(int gatewayPort, string clusterId, Scale scale, int seed, int copies, int first, double perSecond)
    {
        var traffic = BenchTraffic.Create(scale.HydraScale, scale.BenignScale, seed);
        using var client = await SiloProcess.Connect(gatewayPort, clusterId);
        using var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            await Console.In.ReadLineAsync();
            await stop.CancelAsync();
        });
        Console.Error.WriteLine("sending");
        var figures = await EngineBenchmark.Ingest(client.Services.GetRequiredService<IGrainFactory>(), traffic.Copies(copies, first, periods: 30), perSecond, stop.Token);
        Console.WriteLine(JsonSerializer.Serialize(figures));
        await client.StopAsync();
    }
}
