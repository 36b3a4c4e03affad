using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>
/// Merges the clusters that meet at a hub (<see cref="HubLinks"/>) into its hub cluster, one-way. Per activation,
/// it remembers the clusters it linked lately, so that every batch or report does not send the same merge again.
/// </summary>
public sealed class ClusterLinker
{
    private readonly HashSet<string> _linked = [];

    /// <param name="now">Linkable members' clusters seen in this call, besides those waiting.</param>
    public void Link(HubLinks links, IEnumerable<string> now, IGrainFactory grains)
    {
        foreach (var cluster in links.Waiting.Concat(now))
        {
            links.HubCluster ??= cluster;
            if (cluster != links.HubCluster && _linked.Add(cluster))
                _ = grains.GetGrain<IClusterGrain>(links.HubCluster).Merge(cluster);
        }
        links.Waiting.Clear();
        if (_linked.Count > 256) _linked.Clear();
    }
}
