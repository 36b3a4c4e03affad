using Risk.Edge;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>
/// Cluster ids. They are digests, so an id can be shared with other providers without revealing the
/// payment fingerprint behind it.
/// </summary>
public static class ClusterKeys
{
    public static string ForPayment(string payment) => $"pay-{StableHash64.Of("payment", payment):x16}";
}
