using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>
/// An Azurite table service of one test's own, on a free port, that the test stops and starts again without disturbing
/// any other test. Its data directory outlives a stop, so what was stored is there when it returns.
/// </summary>
internal sealed class OwnAzurite(string dataDir) : IAsyncDisposable
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _log = new();
    private Process? _process;

    /// <summary>
    /// Below Linux's ephemeral range, as deploy/azurite.sh picks: while Azurite is stopped, the silo keeps connecting to
    /// this port, and a connection's own local port taken from that range could be this one.
    /// </summary>
    public int Port { get; } = FreePortBelowEphemeral();

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>Starts it, on the same port and data as before if it ran already, and returns once it answers.</summary>
    public async Task Start()
    {
        var azurite = Path.Combine(Programs.Root, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(azurite))
            Assert.Equal(0, (await Programs.Exec("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5))).ExitCode);
        _process = Process.Start(new ProcessStartInfo(azurite, ["--silent", "--skipApiVersionCheck", "--loose", "--location", dataDir,
            "--tableHost", "127.0.0.1", "--tablePort", Port.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !await Answers(); await Task.Delay(100))
            if (DateTime.UtcNow > deadline || _process.HasExited) throw new InvalidOperationException("Azurite did not start:\n" + Log);
    }

    /// <summary>
    /// Stops it, and returns once it no longer answers. With SIGINT: that is the signal on which the table service alone
    /// closes and saves its data (it saves every 5 s otherwise). Ended any other way it loses the writes it acknowledged
    /// since its last save, which Azure Table never does.
    /// </summary>
    public async Task Stop()
    {
        if (_process is null) return;
        using (var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString()])) await interrupt.WaitForExitAsync();
        // It closes within a second or two and then lingers on its timers: what is left is killed.
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline && !_process.HasExited; await Task.Delay(100))
            if (Log.Contains("successfully closed", StringComparison.Ordinal)) break;
        await DisposeAsync();
    }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
        lock (_log) _log.Clear();
    }

    private static int FreePortBelowEphemeral()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 26_000);
            try
            {
                using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
                // Taken: another.
            }
        }
    }

    private async Task<bool> Answers()
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", Port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
