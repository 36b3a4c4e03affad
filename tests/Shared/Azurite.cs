using Azure.Data.Tables;

namespace Risk.Tests.Shared;

/// <summary>
/// The real Azurite these tests run against. `deploy/test.sh` starts one and names it in RISK_TEST_AZURITE; when a
/// developer runs `dotnet test` alone, this starts one on free ports from the repo's node_modules (installing it with
/// npm ci if needed) and stops it after.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private string? _ownDataDir;

    /// <summary>Its connection string; read it once the fixture is started (the tests that take the fixture are).</summary>
    public static string ConnectionString => AzuriteProcess.ConnectionString;

    public TableServiceClient Tables { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _ownDataDir = await AzuriteProcess.StartUnlessGiven();
        Tables = new TableServiceClient(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_ownDataDir is not null) await AzuriteProcess.Stop(_ownDataDir);
    }

    public static string NewTableName() => AzuriteProcess.NewTableName();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "azurite";
}
