using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Risk.Tests.Shared;

public sealed record Run(int ExitCode, string Stdout, string Stderr);

/// <summary>Starts the repo's built programs (same configuration as this test assembly) as child processes.</summary>
public static class Programs
{
    public static readonly string Root = FindRoot();
    public static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string Risk => Path.Combine(Root, "client", "Risk.Cli", "bin", Configuration, "net10.0", "risk.dll");
    public static string Silo => Path.Combine(Root, "silo", "Risk.Silo", "bin", Configuration, "net10.0", "Risk.Silo.dll");
    public static string Benchmarks => Path.Combine(Root, "tests", "Risk.Benchmarks", "bin", Configuration, "net10.0", "Risk.Benchmarks.dll");

    public static async Task<Run> Cli(params string[] args) => await Cli(TimeSpan.FromMinutes(3), args);

    public static Task<Run> Cli(TimeSpan timeout, params string[] args) => Exec("dotnet", [Risk, .. args], timeout);

    /// <summary>Runs any program to its end, in the repo's root, and returns what it printed.</summary>
    public static async Task<Run> Exec(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = Root,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}: {await stderr}");
        }
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    /// <param name="input">Whether the caller writes to the child's stdin (otherwise the child shares this one's).</param>
    public static Process Start(string dll, IEnumerable<string> args, bool input = false)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = input,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = Root,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback port that nothing listens on (the system picks it), never one this process has handed out before, so
    /// that silos and servers a test starts at once never get the same port however soon they bind.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut) if (HandedOut.Add(port)) return port;
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Risk.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Risk.sln not found");
    }
}
