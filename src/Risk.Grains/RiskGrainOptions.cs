namespace Risk.Grains;

/// <summary>Grain behaviour that operators tune per deployment (section "Risk" of the silo's configuration).</summary>
public sealed class RiskGrainOptions
{
    public const string StorageName = "risk";

    /// <summary>How often dirty entity state is written behind to storage.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recently active members a cluster pushes its risk to directly.</summary>
    public int ClusterPushMembers { get; set; } = 64;
}
