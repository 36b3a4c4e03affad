using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Risk.Client;
using Risk.Contracts;
using Risk.Tests.Shared;

namespace Risk.Benchmarks;

/// <summary>
/// A silo in a process of its own on loopback, as in production, with a client connected to it. Its memory is
/// read from /proc: RSS now, and the peak.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly IHost _client;

    private SiloProcess(Process process, IHost client, Uri http, int gatewayPort, int siloPort)
    {
        (_process, _client, Http, GatewayPort, SiloPort) = (process, client, http, gatewayPort, siloPort);
        Grains = client.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }
    public Uri Http { get; }
    public int GatewayPort { get; }
    public int SiloPort { get; }
    public int ProcessId => _process.Id;

    public long RssBytes => Status("VmRSS:");
    public long PeakRssBytes => Status("VmHWM:");

    /// <summary>
    /// CPU time the runtime's tiered-compilation thread has used: while it is busy, the silo still runs code that
    /// is not optimized yet (or instrumented for dynamic PGO), so its throughput is not steady.
    /// </summary>
    public TimeSpan JitCpu
    {
        get
        {
            long ticks = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
            {
                try
                {
                    if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal)) continue;
                    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
                }
                catch (IOException) { } // the thread ended
            }
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
        }
    }

    /// <param name="settings">Extra configuration, e.g. ("Risk:Storage", "azurite").</param>
    public static async Task<SiloProcess> Start(params (string Key, string Value)[] settings)
    {
        int gatewayPort = Programs.FreePort(), siloPort = Programs.FreePort(), httpPort = Programs.FreePort();
        var args = new List<string>
        {
            "--Risk:SiloPort", $"{siloPort}", "--Risk:PrimarySiloPort", $"{siloPort}", "--Risk:GatewayPort", $"{gatewayPort}",
            "--urls", $"http://127.0.0.1:{httpPort}", "--Logging:LogLevel:Default", "Warning",
        };
        foreach (var (key, value) in settings) args.AddRange([$"--{key}", value]);
        var process = Programs.Start(Programs.Silo, args);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();

        try
        {
            var client = await Connect(gatewayPort);
            var silo = new SiloProcess(process, client, new Uri($"http://127.0.0.1:{httpPort}"), gatewayPort, siloPort);
            // A decisions silo may answer before it knows the entities silo's grain types, and its client learns
            // them only on its next refresh (Risk's client asks every 5 s).
            for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(250))
            {
                try
                {
                    await silo.Grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).Get();
                    return silo;
                }
                catch (ArgumentException) when (DateTime.UtcNow < deadline) { } // "Could not find an implementation"
            }
        }
        catch
        {
            // Not handed to the caller, so nobody else would end it: a failed start once left a silo running for an hour.
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>A started Orleans client of the silo at <paramref name="gatewayPort"/>, waiting while it starts.</summary>
    public static async Task<IHost> Connect(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Messaging", LogLevel.Error); // refused connects while the silo starts
        builder.Configuration["Risk:GatewayPort"] = $"{gatewayPort}";
        builder.Configuration["Risk:ConnectAttempts"] = "60";
        builder.AddRiskClient();
        var client = builder.Build();
        await client.StartAsync();
        return client;
    }

    /// <summary>Ends the silo at once, as a crash would: it writes nothing more.</summary>
    public async Task Kill()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Stops the silo as an operator would (SIGTERM): activations write their state on the way down.</summary>
    public async ValueTask DisposeAsync()
    {
        await _client.StopAsync();
        _client.Dispose();
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", $"{_process.Id}"])) await kill.WaitForExitAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try { await _process.WaitForExitAsync(patience.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    private long Status(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }
}
