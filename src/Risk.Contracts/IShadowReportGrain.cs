namespace Risk.Contracts;

/// <summary>
/// Sums what every gateway counted while comparing its decisions under the live and the shadow policy (key
/// <see cref="IPolicyGrain.Default"/>). It holds the latest shadow's counts only: counts for an earlier shadow are dropped.
/// </summary>
[Alias("risk.IShadowReportGrain")]
public interface IShadowReportGrain : IGrainWithStringKey
{
    /// <summary>Adds a gateway's counts since its last report.</summary>
    [Alias("Add")]
    Task Add(long shadowId, ShadowCounts counts);

    /// <summary>Everything counted for <paramref name="shadowId"/> so far; none if it is not the latest shadow reported.</summary>
    [Alias("Get"), ReadOnly, AlwaysInterleave]
    Task<ShadowCounts> Get(long shadowId);
}
