using System.Diagnostics;
using System.Net.Sockets;

namespace Risk.Tests.Shared;

/// <summary>
/// Azurite for the tests and the benchmarks: the one RISK_TEST_AZURITE names (deploy/test.sh starts one on ports of its
/// own), else one started here through deploy/azurite.sh, also on free ports: never the default ports, where a
/// developer's Azurite or deploy/run-local.sh's may run and be stopped under the tests.
/// </summary>
public static class AzuriteProcess
{
    /// <summary>The connection string of the Azurite in use: RISK_TEST_AZURITE's, or the started one's once started.</summary>
    public static string ConnectionString { get; private set; } =
        Environment.GetEnvironmentVariable("RISK_TEST_AZURITE") is { Length: > 0 } given ? given : "UseDevelopmentStorage=true";

    /// <returns>The data directory of the Azurite it started, to stop it with; null when RISK_TEST_AZURITE names one.</returns>
    public static async Task<string?> StartUnlessGiven()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RISK_TEST_AZURITE")))
        {
            if (!await TableEndpointAnswers()) throw new InvalidOperationException($"RISK_TEST_AZURITE names an Azurite that does not answer: {ConnectionString}");
            return null;
        }
        var dataDir = Directory.CreateTempSubdirectory("risk-azurite-").FullName;
        await Script("start", dataDir, "own-ports");
        ConnectionString = (await File.ReadAllTextAsync(Path.Combine(dataDir, "connection-string"))).Trim();
        if (!await TableEndpointAnswers()) throw new InvalidOperationException("Azurite did not start; see deploy/azurite.sh");
        return dataDir;
    }

    /// <summary>A fresh table name, so that runs never see each other's rows.</summary>
    public static string NewTableName() => "RiskTest" + Guid.NewGuid().ToString("N")[..16];

    public static async Task Stop(string dataDir)
    {
        await Script("stop", dataDir);
        Directory.Delete(dataDir, recursive: true);
    }

    /// <summary>The table endpoint's port: TableEndpoint's in the connection string, or the development storage's.</summary>
    private static int TablePort() =>
        ConnectionString.Split(';').FirstOrDefault(p => p.StartsWith("TableEndpoint=", StringComparison.OrdinalIgnoreCase)) is { } endpoint
            ? new Uri(endpoint["TableEndpoint=".Length..]).Port
            : 10002;

    private static async Task<bool> TableEndpointAnswers()
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", TablePort()).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task Script(params string[] args)
    {
        var root = Programs.Root;
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "deploy", "azurite.sh"), .. args])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"azurite.sh {string.Join(' ', args)}: {await stderr}");
    }
}
