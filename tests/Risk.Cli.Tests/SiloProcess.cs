using System.Diagnostics;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>A real silo process on free loopback ports, for the CLI to connect to.</summary>
public sealed class SiloProcess : IAsyncLifetime
{
    private readonly string[] _extraArgs;
    private readonly System.Text.StringBuilder _log = new();
    private Process? _silo;

    public SiloProcess() : this(["--storage", "memory"]) { }

    private readonly string _listenHost;
    private readonly int? _primarySiloPort;

    /// <summary>xunit builds class fixtures through the one public constructor; tests use this one directly.</summary>
    /// <param name="listenHost">The host of the --urls it is given; <see cref="Http"/> is always loopback.</param>
    /// <param name="primarySiloPort">With localhost clustering, the silo port of the silo to join; by default its own.</param>
    internal SiloProcess(string[] extraArgs, string listenHost = "127.0.0.1", int? primarySiloPort = null) =>
        (_extraArgs, _listenHost, _primarySiloPort) = (extraArgs, listenHost, primarySiloPort);

    /// <summary>What the silo wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Whether the process has ended (or never started).</summary>
    public bool Exited => _silo is null || _silo.HasExited;

    public int GatewayPort { get; } = Programs.FreePort();
    public int HttpPort { get; } = Programs.FreePort();
    public Uri Http => new($"http://127.0.0.1:{HttpPort}");
    public int SiloPort { get; } = Programs.FreePort();

    /// <summary>Arguments that point a `risk` command at this silo's gateway.</summary>
    public string[] Target => ["--Risk:GatewayPort", GatewayPort.ToString()];

    public async Task InitializeAsync()
    {
        _silo = Programs.Start(Programs.Silo,
        [
            .. _extraArgs, "--Risk:SiloPort", SiloPort.ToString(), "--Risk:PrimarySiloPort", (_primarySiloPort ?? SiloPort).ToString(),
            "--Risk:GatewayPort", GatewayPort.ToString(), "--urls", $"http://{_listenHost}:{HttpPort}",
            // A decision over HTTP that the silo cannot make in time is answered by the fail mode (allow). The tests
            // check what each answer does, not how fast a loaded 2-core machine makes a first decision: seconds, not 1.
            "--Risk:Gateway:DecisionTimeout", "00:00:10",
        ]);
        _silo.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _silo.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _silo.BeginOutputReadLine();
        _silo.BeginErrorReadLine();
        // Ready as an operator's probe sees it: /readyz answers 200 once the silo is Active in its cluster and reads the
        // policy through storage. Asked over HTTP, not by starting a `risk` process per probe, which costs seconds.
        using var http = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !_silo.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException("silo did not become ready:\n" + _log);
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
