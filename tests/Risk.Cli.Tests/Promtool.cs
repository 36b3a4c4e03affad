using System.Diagnostics;
using System.Text;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>Prometheus' promtool, from Debian's prometheus package: the checks Prometheus itself makes of a scrape and of rules.</summary>
public static class Promtool
{
    /// <summary>Where promtool is; a test that needs it fails, rather than skips, without it.</summary>
    public static string File => new[] { Environment.GetEnvironmentVariable("PATH") ?? "" }
        .SelectMany(path => path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        .Append("/usr/bin")
        .Select(dir => Path.Combine(dir, "promtool"))
        .FirstOrDefault(System.IO.File.Exists)
        ?? throw new InvalidOperationException("promtool is missing: apt-get install prometheus (Debian's package has it)");

    /// <summary>Runs promtool in the repo's root, with <paramref name="input"/> on its stdin.</summary>
    public static async Task<Run> Run(string? input, params string[] args)
    {
        var info = new ProcessStartInfo(File)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = Programs.Root,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}
