using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OpenTelemetry.Metrics;
using Risk.Client.Gateway;
using Risk.Grains;
using Risk.Silo.Auth;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Storage;

namespace Risk.Silo;

/// <summary>Every registration a Risk silo needs, shared by the silo host, `risk --embedded` and the tests.</summary>
public static class RiskSiloExtensions
{
    /// <summary>Command-line shorthands: `--storage azurite` means `--Risk:Storage azurite`.</summary>
    public static readonly IDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--storage"] = "Risk:Storage",
        ["--clustering"] = "Risk:Clustering",
        ["--silo-port"] = "Risk:SiloPort",
        ["--gateway-port"] = "Risk:GatewayPort",
        ["--primary-silo-port"] = "Risk:PrimarySiloPort",
        ["--api-keys"] = "Risk:Auth:KeysFile",
        ["--advertise"] = "Risk:AdvertisedAddress",
        ["--listen"] = "Risk:ListenAddress",
    };

    public static IHostApplicationBuilder AddRiskSilo(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RiskHostOptions.Section).Get<RiskHostOptions>() ?? new();
        builder.UseOrleans(silo => silo.ConfigureRiskSilo(options, builder.Configuration));
        // Orleans logs every storage call that fails, with its stack trace: thousands a second while storage is away.
        // StorageBreaker reports those once per state name per checkpoint interval instead. Azure's provider also logs
        // each failed write itself, before StorageBreaker sees it; Orleans logs each again for its grain, outages apart.
        builder.Logging.AddFilter("Orleans.Storage.AzureTableGrainStorage", LogLevel.None);
        StorageAwayLogFilter.AddTo(builder.Services);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // "System.Runtime" is .NET's own: GC pauses (dotnet.gc.pause.time), heap sizes, thread-pool queue length.
            metrics.AddMeter(RiskMetrics.MeterName, GatewayMetrics.MeterName, "Microsoft.Orleans", "System.Runtime");
            // Scraped at /metrics (behind an analyst or admin key); pushed too when an OTLP collector is named.
            metrics.AddPrometheusExporter();
            if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is not null) metrics.AddOtlpExporter();
        });
        return builder;
    }

    public static ISiloBuilder ConfigureRiskSilo(this ISiloBuilder silo, RiskHostOptions options, IConfiguration configuration)
    {
        silo.Configure<ClusterOptions>(o => { o.ClusterId = options.ClusterId; o.ServiceId = options.ServiceId; });
        silo.UseRiskClustering(options, configuration);
        // A silo that dies outright is declared dead after NumMissedProbesLimit probes of ProbeTimeout each; until then
        // its grains answer nothing, and gateways decide by their fail mode. Orleans' 5 s probes made that about 15 s;
        // 3 s makes it about 9 s, with the probe timeout still stretched while a silo sees itself degraded (GC, CPU
        // starvation), so that a slow silo is not taken for a dead one. "Risk:Membership" sets any of Orleans' options.
        silo.Configure<ClusterMembershipOptions>(o => o.ProbeTimeout = TimeSpan.FromSeconds(3));
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection("Risk:Membership"));
        // An activation costs memory of its own whatever its state's size; most of an active account's is Orleans'.
        // Under memory pressure, Orleans deactivates the activations idle longest first (their state written as any
        // deactivation writes it) rather than letting a silo of idle accounts run out. "Risk:Collection" sets any of
        // GrainCollectionOptions, such as CollectionAge, how long an idle account stays active.
        silo.Configure<GrainCollectionOptions>(o => o.EnableActivationSheddingOnMemoryPressure = true);
        silo.Configure<GrainCollectionOptions>(configuration.GetSection("Risk:Collection"));
        // Orleans' default directory drops a leaving silo's registrations as soon as it starts shutting down, and during
        // a join it moves them between silos with no lock: either way a grain can get a second activation while the
        // first still holds events it has not stored, and the two diverge until one writes over the other (then
        // WriteBehindGrain reconciles them, but until a checkpoint decisions read half the account). The strongly
        // consistent directory keeps a registration until its activation is gone and hands ranges over under a lock.
#pragma warning disable ORLEANSEXP003
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.AddRiskTls(configuration);
        silo.AddRiskStorage(options);
        silo.AddRiskGrains(configuration);
        silo.Services.Configure<Auth.AdminSecretOptions>(configuration.GetSection(Auth.AuthOptions.Section));
        silo.AddIncomingGrainCallFilter<Auth.AdminCallFilter>();
        if (options.Role != SiloRole.All)
            silo.Services.PostConfigure<GrainTypeOptions>(o =>
            {
                foreach (var type in o.Classes.Where(t => !SiloRoles.Hosts(options.Role, t)).ToList()) o.Classes.Remove(type);
            });
        return silo;
    }

    public static ISiloBuilder AddRiskStorage(this ISiloBuilder silo, RiskHostOptions options)
    {
        if (options.Storage == StorageKind.Memory)
        {
            silo.AddMemoryGrainStorage(SkipAbsentReads.Storage);
            silo.Services.AddKeyedSingleton<IGrainStorage>(RiskGrainOptions.StorageName, (sp, _) => ActivatorUtilities.CreateInstance<SkipAbsentReads>(
                sp, sp.GetRequiredKeyedService<IGrainStorage>(SkipAbsentReads.Storage), false));
            // Memory storage keeps state in the silo's own memory, which a crash takes with it. So no timed
            // checkpoints: a copy of live state within the same process protects nothing, and at the report's size
            // (250,000 entities) copying each every 30 s as JSON was garbage the silo's GC paid for. State is written
            // when an idle grain deactivates, not on the way down (the storage goes away too), and never waits for a
            // write budget. What an operator sets is written through as always.
            // Nor does an entity keep its changes since its last write: with no timed checkpoints those would be every
            // event of its activation's life (the bulk of an active account's memory), kept against a record another
            // activation stored, which memory storage never meets: no read is skipped (the filter of stored keys is
            // kept only for gateways to tell entities never seen), and a silo going down stores nothing.
            silo.Services.PostConfigure<RiskGrainOptions>(o =>
                (o.CheckpointInterval, o.FlushOnShutdown, o.CheckpointWritesPerSecond, o.UnstoredChangesKept) = (Timeout.InfiniteTimeSpan, false, 0, 0));
        }
        else
        {
            silo.AddAzureTableGrainStorage(AzureTable, o =>
            {
                o.TableServiceClient = new TableServiceClient(options.ConnectionString, StateClientOptions());
                o.TableName = options.TableName;
            });
            silo.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<StorageBreaker>(
                sp, sp.GetRequiredKeyedService<IGrainStorage>(AzureTable), (Func<Exception, bool>)StorageAway));
            silo.Services.AddKeyedSingleton<IGrainStorage>(SkipAbsentReads.Storage, (sp, _) => sp.GetRequiredService<StorageBreaker>());
            silo.Services.AddKeyedSingleton<IGrainStorage>(RiskGrainOptions.StorageName, (sp, _) => ActivatorUtilities.CreateInstance<SkipAbsentReads>(
                sp, sp.GetRequiredKeyedService<IGrainStorage>(SkipAbsentReads.Storage)));
        }
        return silo;
    }

    /// <summary>Orleans' Azure Table provider itself; everything goes to it through <see cref="StorageBreaker"/>.</summary>
    private const string AzureTable = "risk-azure-table";

    /// <summary>
    /// The grain-state client's own retries: two, a fifth of a second apart, instead of three over about six seconds. A
    /// grain writing when storage goes away holds its calls until the write fails and <see cref="StorageBreaker"/> hears
    /// of it, so ingest stalls for as long as these take. A failed checkpoint is retried by its grain anyway, and a
    /// failed read fails the call that needed it, which its caller retries. The wait for an answer stays long: a write
    /// given up on may still land, and the next one then conflicts with it.
    /// </summary>
    private static TableClientOptions StateClientOptions()
    {
        var client = new TableClientOptions();
        (client.Retry.MaxRetries, client.Retry.Delay, client.Retry.MaxDelay) = (2, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
        return client;
    }

    /// <summary>
    /// Whether an exception of Azure storage says it could not be reached or could not serve (no answer, a timeout, a
    /// server error or throttling, after the client's own retries; or credentials it refuses, which fail every call
    /// alike), rather than refusing one record.
    /// </summary>
    public static bool StorageAway(Exception e) => e switch
    {
        RequestFailedException failed => failed.Status is 0 or 401 or 403 or 408 or 429 or >= 500,
        AggregateException all => all.InnerExceptions.Any(StorageAway),
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        _ => e.InnerException is { } inner && StorageAway(inner),
    };

    /// <summary>A grain's persistent state: Risk.Grains' classes named for it (AccountState, NetworkState...).</summary>
    public static bool IsGrainState(Type type) =>
        type.Assembly == typeof(AccountState).Assembly && type.IsClass && type.Name.EndsWith("State", StringComparison.Ordinal);

    /// <summary>The grains' own services and options; storage and clustering are the caller's choice.</summary>
    public static ISiloBuilder AddRiskGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.UseSystemTextJsonGrainStorageSerializer();
        // Orleans moves an activation to another silo with its state (rebalancing, a silo leaving). The state classes
        // are stored as JSON and have no Orleans codecs of their own, so they travel as the same JSON.
        silo.Services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: IsGrainState));
        silo.Services.Configure<RiskGrainOptions>(configuration.GetSection(RiskHostOptions.Section));
        silo.Services.AddSingleton<PolicyCache>();
        silo.Services.AddSingleton<IngestSlots>();
        silo.Services.AddSingleton<CheckpointBudget>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<PolicyCache>());
        return silo;
    }
}
