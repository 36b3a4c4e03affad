using System.Diagnostics;

namespace Risk.Cli.Tests;

/// <summary>A real silo process on memory storage and free loopback ports, for the CLI to connect to.</summary>
public sealed class SiloProcess : IAsyncLifetime
{
    private Process? _silo;
    private readonly System.Text.StringBuilder _log = new();

    public int GatewayPort { get; } = Programs.FreePort();
    private int SiloPort { get; } = Programs.FreePort();

    /// <summary>Arguments that point a `risk` command at this silo.</summary>
    public string[] Target => ["--Risk:GatewayPort", GatewayPort.ToString()];

    public async Task InitializeAsync()
    {
        _silo = Programs.Start(Programs.Silo,
            ["--storage", "memory", "--Risk:SiloPort", SiloPort.ToString(), "--Risk:PrimarySiloPort", SiloPort.ToString(), "--Risk:GatewayPort", GatewayPort.ToString()]);
        _silo.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _silo.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _silo.BeginOutputReadLine();
        _silo.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_silo.HasExited) break;
            var probe = await Programs.Cli(TimeSpan.FromSeconds(60), ["policy", "show", .. Target]);
            if (probe.ExitCode == 0) return;
            await Task.Delay(500);
        }
        throw new InvalidOperationException("silo did not become ready:\n" + _log);
    }

    public async Task DisposeAsync()
    {
        if (_silo is null || _silo.HasExited) return;
        _silo.Kill(entireProcessTree: true);
        await _silo.WaitForExitAsync();
        _silo.Dispose();
    }
}
