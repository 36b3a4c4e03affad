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

    private SiloProcess(Process process, IHost client, Uri http, int gatewayPort, int siloPort, string clusterId, Task<string> log)
    {
        (_process, _client, Http, GatewayPort, SiloPort, ClusterId, Log) = (process, client, http, gatewayPort, siloPort, clusterId, log);
        Grains = client.Services.GetRequiredService<IGrainFactory>();
    }

    /// <summary>What it printed (it logs warnings and errors only), complete once it has exited.</summary>
    public Task<string> Log { get; }

    public IGrainFactory Grains { get; }
    public Uri Http { get; }
    public int GatewayPort { get; }
    public int SiloPort { get; }
    public int ProcessId => _process.Id;

    /// <summary>Its cluster's id: one of its own unless its settings named one, so that it never meets another run's silos.</summary>
    public string ClusterId { get; }

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
                    ticks += CpuTicks(Path.Combine(task, "stat"));
                }
                catch (IOException) { } // the thread ended
            }
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
        }
    }

    /// <summary>CPU time (user and system) the process has used, in seconds.</summary>
    public double CpuSeconds => CpuSecondsOf(_process.Id);

    /// <summary>CPU time (user and system) a process has used, in seconds.</summary>
    public static double CpuSecondsOf(int pid) => CpuTicks($"/proc/{pid}/stat") / 100.0; // USER_HZ

    /// <summary>utime plus stime from a /proc stat file: the 12th and 13th fields after the command's closing parenthesis.</summary>
    private static long CpuTicks(string statFile)
    {
        var stat = File.ReadAllText(statFile);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }

    /// <param name="settings">Extra configuration, e.g. ("Risk:Storage", "azurite"); ("Risk:ClusterId", id) joins that cluster.</param>
    public static Task<SiloProcess> Start(params (string Key, string Value)[] settings) =>
        Start(settings.SelectMany(s => new[] { $"--{s.Key}", s.Value }).ToArray());

    /// <summary>A silo with these command-line arguments on free loopback ports, once it is ready (/readyz) and its client connected.</summary>
    public static async Task<SiloProcess> Start(string[] args)
    {
        var at = Array.LastIndexOf(args, "--Risk:ClusterId");
        var clusterId = at >= 0 ? args[at + 1] : "bench-" + Guid.NewGuid().ToString("N")[..12];
        // A free port can be taken by another process between the look and the bind: then start again on others.
        for (var attempt = 1; ; attempt++)
        {
            int gatewayPort = Programs.FreePort(), siloPort = Programs.FreePort(), httpPort = Programs.FreePort();
            var process = Programs.Start(Programs.Silo,
            [
                "--Risk:ClusterId", clusterId, "--Risk:ServiceId", clusterId,
                "--Risk:SiloPort", $"{siloPort}", "--Risk:PrimarySiloPort", $"{siloPort}", "--Risk:GatewayPort", $"{gatewayPort}",
                "--urls", $"http://127.0.0.1:{httpPort}", "--Logging:LogLevel:Default", "Warning", .. args,
            ]);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var http = new Uri($"http://127.0.0.1:{httpPort}");
            try
            {
                if (!await Ready(http, process))
                {
                    var log = await Exited(process, stdout, stderr);
                    if (attempt < 3 && log.Contains("Address already in use", StringComparison.Ordinal)) continue;
                    throw new InvalidOperationException("the silo did not become ready:\n" + log[^Math.Min(4000, log.Length)..]);
                }
                var client = await Connect(gatewayPort, clusterId);
                var silo = new SiloProcess(process, client, http, gatewayPort, siloPort, clusterId, Both(stdout, stderr));
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
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                throw;
            }
        }
    }

    /// <summary>Whether /readyz answered 200 (the silo is Active in its cluster and reads the policy) within 90 s, polled every 100 ms.</summary>
    private static async Task<bool> Ready(Uri http, Process process)
    {
        using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(10) };
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline && !process.HasExited; await Task.Delay(100))
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { } // not listening yet
        }
        return false;
    }

    private static async Task<string> Both(Task<string> stdout, Task<string> stderr) => await stdout + await stderr;

    /// <summary>What a silo that failed to start printed, once it has ended.</summary>
    private static async Task<string> Exited(Process process, Task<string> stdout, Task<string> stderr)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return await stdout + await stderr;
    }

    /// <summary>A started Orleans client of the silo of cluster <paramref name="clusterId"/> at <paramref name="gatewayPort"/>, waiting while it starts.</summary>
    public static async Task<IHost> Connect(int gatewayPort, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Messaging", LogLevel.Error); // refused connects while the silo starts
        builder.Configuration["Risk:GatewayPort"] = $"{gatewayPort}";
        builder.Configuration["Risk:ClusterId"] = clusterId;
        builder.Configuration["Risk:ServiceId"] = clusterId;
        builder.Configuration["Risk:ConnectAttempts"] = "60";
        builder.AddRiskClient();
        var client = builder.Build();
        await client.StartAsync();
        return client;
    }

    /// <summary>Ends the silo at once, as a crash would: it writes nothing more.</summary>
    public async Task Kill()
    {
        // This harness's own client goes first, so that it does not log the connection it would lose: what a crash does
        // to the cluster's other clients is what the steps measure.
        await _client.StopAsync();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
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
