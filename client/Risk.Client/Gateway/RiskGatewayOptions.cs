namespace Risk.Client.Gateway;

public enum FailMode { Open, Closed }

/// <summary>How a gateway's Risk client reports and decides (configuration section "Risk:Gateway").</summary>
public sealed class RiskGatewayOptions
{
    public const string Section = "Risk:Gateway";

    /// <summary>Events waiting to be sent; past this, new events are dropped and counted, never waited for.</summary>
    public int QueueCapacity { get; set; } = 100_000;

    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// Sends of a batch that did not arrive (a failed call, or events that came back not applied), the first
    /// included; each waits twice as long as the one before, from <see cref="RetryBackoff"/> up to
    /// <see cref="MaxRetryBackoff"/>. Every event carries an id, so a batch that arrived twice counts once.
    /// </summary>
    public int SendAttempts { get; set; } = 10;

    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest an event waits for its batch to fill.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a cache miss may wait for the grains before the fail mode answers.</summary>
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Open: allow when Risk cannot answer in time. Closed: block.</summary>
    public FailMode FailMode { get; set; } = FailMode.Open;

    public int CacheCapacity { get; set; } = 200_000;

    /// <summary>
    /// A safety net under the pushes: no cached decision is older than this, and a held risk still in use is read
    /// again behind the answers once it is this old. At most half the watch span (5 minutes), since a replica
    /// renews its own watch of the entity once half of it has passed.
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the copy of the entities ever heard of is brought up to date. An entity first heard of since the
    /// last refresh may be decided on as never seen until its risk, asked for behind that answer, arrives.
    /// <see cref="Timeout.InfiniteTimeSpan"/> keeps no copy: every entity not held is asked for.
    /// </summary>
    public TimeSpan KnownEntitiesRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a decision waits for an entity the copy has never seen before its empty risk stands in: long enough
    /// that a cluster with time to answer is asked (an entity may have been first heard of since the last refresh),
    /// short enough that a new account's first request never waits for a silo busy with ingest. Zero: never waits.
    /// </summary>
    public TimeSpan NeverSeenWait { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How often the counts of decisions compared under a shadow policy, and of decisions answered per action, are sent to the cluster.</summary>
    public TimeSpan ShadowReportInterval { get; set; } = TimeSpan.FromSeconds(5);
}
