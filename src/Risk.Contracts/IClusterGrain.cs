namespace Risk.Contracts;

/// <summary>
/// A group of accounts linked by what they share. Members report on material change; the cluster pools their
/// signals and pushes its risk back to recent members, and answers every report with its current risk.
/// </summary>
[Alias("risk.IClusterGrain")]
public interface IClusterGrain : IGrainWithStringKey
{
    [Alias("Report")]
    Task<ClusterRisk> Report(MemberReport report);

    [Alias("GetRisk"), ReadOnly, AlwaysInterleave]
    Task<ClusterRisk> GetRisk();
}
