namespace Risk.Scoring;

/// <summary>
/// What a hub (an IP, a proxy or a creation cohort) keeps to link the clusters that meet at it: the cluster the
/// others are merged into, and the clusters seen before it was mostly flagged, so that they are linked when it is.
/// Bounded: the waiting list keeps the latest <see cref="WaitingKept"/>.
/// </summary>
public sealed class HubLinks
{
    public const int WaitingKept = 16;

    /// <summary>The first linkable member's cluster once this is a hub; the others are merged into it.</summary>
    public string? HubCluster { get; set; }

    public List<string> Waiting { get; set; } = [];

    public void Wait(string cluster)
    {
        if (Waiting.Contains(cluster)) return;
        if (Waiting.Count >= WaitingKept) Waiting.RemoveAt(0);
        Waiting.Add(cluster);
    }

    /// <summary>A member no longer linkable here takes back its cluster, if it was still waiting.</summary>
    public void Withdraw(string cluster) => Waiting.Remove(cluster);
}
