namespace Risk.Contracts;

/// <summary>
/// A group of accounts linked by what they share. Members report on material change; the cluster pools their
/// signals and pushes its risk back to recent members, and answers every report with its current risk.
/// Clusters merge as links appear (a union-find over grains): a merged cluster points at the one it joined,
/// always the one with the smaller id, so pointers never form a cycle, and forwards what reaches it.
/// </summary>
[Alias("risk.IClusterGrain")]
public interface IClusterGrain : IGrainWithStringKey
{
    [Alias("Report")]
    Task<ClusterRisk> Report(MemberReport report);

    /// <summary>The risk of the cluster this one now belongs to (itself, unless merged).</summary>
    [Alias("GetRisk")]
    Task<ClusterRisk> GetRisk();

    /// <summary>Links this cluster with another: the one with the larger id joins the other. One-way.</summary>
    [Alias("Merge"), OneWay]
    Task Merge(string other);

    /// <summary>Takes in the pooled signals of a cluster that joined this one. One-way.</summary>
    [Alias("Absorb"), OneWay]
    Task Absorb(ClusterSummary joined);
}
