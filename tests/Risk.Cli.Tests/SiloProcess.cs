using System.Diagnostics;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>
/// A real silo process on free loopback ports, for the CLI to connect to, in a cluster of its own: a cluster id of its
/// own unless its arguments name one, so that it never joins, or lets in, a silo or client of another test, another
/// checkout or a silo on the defaults (which Orleans refuses by cluster id).
/// </summary>
public sealed class SiloProcess : IAsyncLifetime
{
    private readonly string[] _extraArgs;
    private readonly System.Text.StringBuilder _log = new();
    private Process? _silo;

    public SiloProcess() : this(["--storage", "memory"]) { }

    private readonly string _listenHost;
    private readonly SiloProcess? _join;

    /// <summary>xunit builds class fixtures through the one public constructor; tests use this one directly.</summary>
    /// <param name="listenHost">The host of the --urls it is given; <see cref="Http"/> is always loopback.</param>
    /// <param name="join">With localhost clustering, a started silo whose cluster this one joins; by default its own.</param>
    internal SiloProcess(string[] extraArgs, string listenHost = "127.0.0.1", SiloProcess? join = null)
    {
        (_extraArgs, _listenHost, _join) = (extraArgs, listenHost, join);
        ClusterId = join?.ClusterId ?? Given(extraArgs, "--Risk:ClusterId") ?? "test-" + Guid.NewGuid().ToString("N")[..12];
    }

    /// <summary>What the silo wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Whether the process has ended (or never started).</summary>
    public bool Exited => _silo is null || _silo.HasExited;

    public string ClusterId { get; }
    public int GatewayPort { get; private set; } = Programs.FreePort();
    public int HttpPort { get; private set; } = Programs.FreePort();
    public Uri Http => new($"http://127.0.0.1:{HttpPort}");
    public int SiloPort { get; private set; } = Programs.FreePort();

    /// <summary>Arguments that point a `risk` command at this silo's gateway.</summary>
    public string[] Target => ["--Risk:GatewayPort", GatewayPort.ToString(), "--Risk:ClusterId", ClusterId];

    public async Task InitializeAsync()
    {
        // A free port can be taken by another process between the look and the bind: then start again on others.
        for (var attempt = 1; ; attempt++)
        {
            if (await Start()) return;
            if (attempt == 3 || !Log.Contains("Address already in use", StringComparison.Ordinal))
                throw new InvalidOperationException("silo did not become ready:\n" + Log);
            await DisposeAsync();
            lock (_log) _log.Clear();
            (GatewayPort, HttpPort, SiloPort) = (Programs.FreePort(), Programs.FreePort(), Programs.FreePort());
        }
    }

    /// <returns>Whether it became ready.</returns>
    private async Task<bool> Start()
    {
        _silo = Programs.Start(Programs.Silo,
        [
            "--Risk:ClusterId", ClusterId, "--Risk:ServiceId", ClusterId,
            .. _extraArgs, "--Risk:SiloPort", SiloPort.ToString(), "--Risk:PrimarySiloPort", (_join?.SiloPort ?? SiloPort).ToString(),
            "--Risk:GatewayPort", GatewayPort.ToString(), "--urls", $"http://{_listenHost}:{HttpPort}",
            // A decision over HTTP that the silo cannot make in time is answered by the fail mode (allow). The tests
            // check what each answer does, not how fast a loaded 2-core machine makes a first decision: seconds, not 1.
            "--Risk:Gateway:DecisionTimeout", "00:00:10",
        ]);
        _silo.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _silo.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _silo.BeginOutputReadLine();
        _silo.BeginErrorReadLine();
        return await ReadyOnHttp(Http, _silo);
    }

    /// <summary>
    /// Ready as an operator's probe sees it: /readyz answers 200 once the silo is Active in its cluster and reads the
    /// policy through storage. Asked over HTTP, not by starting a `risk` process per probe, which costs seconds.
    /// </summary>
    private static async Task<bool> ReadyOnHttp(Uri http, Process silo)
    {
        using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !silo.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        // Let the output of a process that has exited reach the log.
        if (silo.HasExited) await silo.WaitForExitAsync();
        return false;
    }

    /// <summary>The value that follows <paramref name="key"/> in <paramref name="args"/>, the last if several.</summary>
    private static string? Given(string[] args, string key)
    {
        var at = Array.LastIndexOf(args, key);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>Stops the silo as an operator or Kubernetes does, with SIGTERM; its exit code, or null if it outlived the wait.</summary>
    public async Task<int?> Terminate(TimeSpan wait)
    {
        if (_silo is null || _silo.HasExited) return _silo?.ExitCode;
        using (var kill = Process.Start("kill", ["-TERM", _silo.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(wait);
        try { await _silo.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { return null; }
        return _silo.ExitCode;
    }

    /// <summary>Kills the silo (SIGKILL), as a crash would; again is a no-op.</summary>
    public async Task DisposeAsync()
    {
        if (_silo is null) return;
        if (!_silo.HasExited)
        {
            _silo.Kill(entireProcessTree: true);
            await _silo.WaitForExitAsync();
        }
        _silo.Dispose();
        _silo = null;
    }
}
