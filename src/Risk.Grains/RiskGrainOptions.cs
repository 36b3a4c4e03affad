namespace Risk.Grains;

/// <summary>Grain behaviour that operators tune per deployment (section "Risk" of the silo's configuration).</summary>
public sealed class RiskGrainOptions
{
    public const string StorageName = "risk";

    /// <summary>How often dirty entity state is written behind to storage.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether deactivation on silo shutdown flushes dirty state. Off for memory storage, which is itself
    /// going away (flushing there only fails noisily); on for Azure storage, where it saves what the last
    /// checkpoint missed.
    /// </summary>
    public bool FlushOnShutdown { get; set; } = true;

    /// <summary>How many recently active members a cluster pushes its risk to directly.</summary>
    public int ClusterPushMembers { get; set; } = 64;
}
