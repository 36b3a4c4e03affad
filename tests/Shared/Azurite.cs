using Azure.Data.Tables;

namespace Risk.Tests.Shared;

/// <summary>
/// The real Azurite these tests run against. `deploy/test.sh` starts one; when a developer runs `dotnet test`
/// alone, this starts one from the repo's node_modules (installing it with npm ci if needed) and stops it after.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    public const string ConnectionString = AzuriteProcess.ConnectionString;
    private string? _ownDataDir;

    public TableServiceClient Tables { get; } = new(ConnectionString);

    public async Task InitializeAsync() => _ownDataDir = await AzuriteProcess.StartUnlessRunning();

    public async Task DisposeAsync()
    {
        if (_ownDataDir is not null) await AzuriteProcess.Stop(_ownDataDir);
    }

    /// <summary>A fresh table name per test run, so runs never see each other's rows.</summary>
    public static string NewTableName() => "RiskTest" + Guid.NewGuid().ToString("N")[..16];
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "azurite";
}
