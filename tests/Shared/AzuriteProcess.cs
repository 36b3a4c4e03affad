using System.Diagnostics;
using System.Net.Sockets;

namespace Risk.Tests.Shared;

/// <summary>Azurite through deploy/azurite.sh, for the tests and the benchmarks.</summary>
public static class AzuriteProcess
{
    public const string ConnectionString = "UseDevelopmentStorage=true";

    /// <returns>The data directory of the Azurite it started, to stop it with; null when one was already answering.</returns>
    public static async Task<string?> StartUnlessRunning()
    {
        if (await TableEndpointAnswers()) return null;
        var dataDir = Directory.CreateTempSubdirectory("risk-azurite-").FullName;
        await Script("start", dataDir);
        if (!await TableEndpointAnswers()) throw new InvalidOperationException("Azurite did not start; see deploy/azurite.sh");
        return dataDir;
    }

    public static async Task Stop(string dataDir)
    {
        await Script("stop", dataDir);
        Directory.Delete(dataDir, recursive: true);
    }

    private static async Task<bool> TableEndpointAnswers()
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", 10002).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task Script(string verb, string dataDir)
    {
        var root = Programs.Root;
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "deploy", "azurite.sh"), verb, dataDir])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"azurite.sh {verb}: {await process.StandardError.ReadToEndAsync()}");
    }
}
