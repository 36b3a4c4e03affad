using System.Diagnostics;
using System.Text;
using Risk.Tests.Shared;

namespace Risk.Silo.Tests.Deploy;

/// <summary>
/// A silo started as a plain command (program, arguments, environment, working directory), as a container or a
/// service manager would start it, and stopped the same way: SIGTERM, then a wait.
/// </summary>
public sealed class SiloCommand : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public SiloCommand(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in command.Skip(1)) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Waits until GET /readyz answers 200, as Kubernetes' readiness probe asks.</summary>
    public async Task WaitUntilReady(Uri http, TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"the silo did not become ready (exited: {_process.HasExited}):\n{Log}");
    }

    /// <summary>Sends SIGTERM, as `docker stop` and Kubernetes do, and returns the exit code, or null if it outlived the wait.</summary>
    public async Task<int?> Terminate(TimeSpan grace)
    {
        var kill = await Programs.Exec("kill", ["-TERM", _process.Id.ToString()], TimeSpan.FromSeconds(10));
        Assert.True(kill.ExitCode == 0, kill.Stderr);
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
