using System.Diagnostics;
using System.Net.Sockets;
using Azure.Data.Tables;

namespace Risk.Tests.Shared;

/// <summary>
/// The real Azurite these tests run against. `deploy/test.sh` starts one; when a developer runs `dotnet test`
/// alone, this starts one from the repo's node_modules (installing it with npm ci if needed) and stops it after.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    public const string ConnectionString = "UseDevelopmentStorage=true";
    private string? _ownDataDir;

    public TableServiceClient Tables { get; } = new(ConnectionString);

    public async Task InitializeAsync()
    {
        if (await TableEndpointAnswers()) return;
        _ownDataDir = Directory.CreateTempSubdirectory("risk-azurite-").FullName;
        await Script("start", _ownDataDir);
        if (!await TableEndpointAnswers()) throw new InvalidOperationException("Azurite did not start; see deploy/azurite.sh");
    }

    public async Task DisposeAsync()
    {
        if (_ownDataDir is null) return;
        await Script("stop", _ownDataDir);
        Directory.Delete(_ownDataDir, recursive: true);
    }

    /// <summary>A fresh table name per test run, so runs never see each other's rows.</summary>
    public static string NewTableName() => "RiskTest" + Guid.NewGuid().ToString("N")[..16];

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

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "azurite";
}
