namespace Risk.Contracts;

/// <summary>
/// A group of accounts linked by what they share. Members report on material change, one-way; the cluster pools
/// their signals, pushes its risk back to its recent members when it moved, and to every reporter
/// (<see cref="IAccountGrain.ClusterChanged"/>).
/// Clusters merge as links appear (a union-find over grains): a merged cluster points at the one it joined,
/// always the one with the smaller id, so pointers never form a cycle, and forwards what reaches it.
/// </summary>
[Alias("risk.IClusterGrain")]
public interface IClusterGrain : IGrainWithStringKey
{
    /// <summary>One-way: the answer is the push to the reporter. A merged cluster forwards it, one-way too.</summary>
    [Alias("Report"), OneWay]
    Task Report(MemberReport report);

    /// <summary>The risk of the cluster this one now belongs to (itself, unless merged).</summary>
    [Alias("GetRisk")]
    Task<ClusterRisk> GetRisk();

    /// <summary>Links this cluster with another: the one with the larger id joins the other. One-way.</summary>
    [Alias("Merge"), OneWay]
    Task Merge(string other);

    /// <summary>Takes in the pooled signals of a cluster that joined this one. One-way.</summary>
    [Alias("Absorb"), OneWay]
    Task Absorb(ClusterSummary joined);

    /// <summary>The cluster this one now belongs to: its risk and its most recent reporters, latest first.</summary>
    [Alias("View")]
    Task<ClusterView> View();
}

/// <summary>What the console draws of a cluster: its risk (pooled signals as reasons) and its recent members.</summary>
[GenerateSerializer, Immutable, Alias("risk.cluster-view")]
public sealed record ClusterView(
    [property: Id(0)] ClusterRisk Risk,
    [property: Id(1)] IReadOnlyList<string> RecentMembers);
