namespace Risk.Grains;

/// <summary>Grain behaviour that operators tune per deployment (section "Risk" of the silo's configuration).</summary>
public sealed class RiskGrainOptions
{
    public const string StorageName = "risk";

    /// <summary>
    /// How often dirty entity state is written behind to storage; <see cref="Timeout.InfiniteTimeSpan"/> for only
    /// on deactivation, as memory storage sets (a copy within the same silo protects nothing a checkpoint could).
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Checkpoints a silo may write per second, over all its entities; 0 for no limit. Past it, dirty state waits
    /// another interval plus the budget's backlog (see <see cref="CheckpointBudget"/>). Memory storage sets 0.
    /// </summary>
    public int CheckpointWritesPerSecond { get; set; } = 200;

    /// <summary>
    /// Whether deactivation on silo shutdown flushes dirty state. Off for memory storage, which is itself
    /// going away (flushing there only fails noisily); on for Azure storage, where it saves what the last
    /// checkpoint missed.
    /// </summary>
    public bool FlushOnShutdown { get; set; } = true;

    /// <summary>
    /// Grain calls that ingest keeps in flight at once, over all batches on a silo. A new account's first call
    /// waits on a storage read, so this must cover the storage latency: too few in flight and ingest on Azure Table
    /// waits on storage round trips one after another, while more in flight does not slow decisions.
    /// </summary>
    public int IngestConcurrency { get; set; } = 128;

    /// <summary>
    /// Event ids an account remembers (stored with its state), so that a retried event is applied once: a retry
    /// must come back before this many newer events of the same account. Each costs 8 bytes of state. A batch with more
    /// of the account's events is remembered whole until its next batch, so that it may be sent again whole.
    /// </summary>
    public int AccountEventIds { get; set; } = 64;

    /// <summary>
    /// Event ids an IP or proxy remembers, in memory only (a new activation takes every id'd event up to its last
    /// seen time as counted). A proxy in front of thousands of accounts sees thousands of events a second.
    /// </summary>
    public int NetworkEventIds { get; set; } = 8192;

    /// <summary>
    /// Events an entity keeps since its last write, to apply them again over a record another activation stored (a
    /// silo going down may still be storing its activation when the next starts on another silo). Past it, the
    /// entity yields to such a record with what it applied since; 0 turns the keeping off, as memory storage sets
    /// (what is kept is most of an active entity's memory until its next write, and memory storage writes on no timer).
    /// </summary>
    public int UnstoredChangesKept { get; set; } = 2048;

    /// <summary>How many recently active members a cluster pushes its risk to directly.</summary>
    public int ClusterPushMembers { get; set; } = 64;
}
