using Risk.Contracts;

namespace Risk.Stix;

/// <summary>Reads the flagged accounts from the cluster and groups them for <see cref="StixBundle"/>.</summary>
public static class StixExport
{
    public static async Task<string> Export(IGrainFactory grains, AccountDigest digest) =>
        StixBundle.Write(StixBundle.Build(await Collect(grains), digest));

    public static async Task<IReadOnlyList<FlaggedCluster>> Collect(IGrainFactory grains)
    {
        var watched = await grains.GetGrain<IWatchlistGrain>(IWatchlistGrain.Default).Flagged(int.MaxValue);
        // The watchlist holds the cluster an account had when its standing last changed; clusters merge since, and
        // the verdict names the one it belongs to now. It also carries the client fingerprint, and the latest event,
        // which the watchlist hears of only when the account's score moves.
        var verdicts = await Task.WhenAll(watched.Select(w => grains.Grain<IAccountGrain>(GrainKeys.Account(w.Account)).GetVerdict()));
        var accounts = watched.Zip(verdicts, (w, v) => (Cluster: v.Cluster ?? w.Cluster,
            Account: new FlaggedAccount(w.Account, w.Ip, w.Proxy, v.Ja4, v.FirstFlaggedAt ?? w.FirstFlaggedAt ?? w.At, Latest(w.At, v.LastEventAt))));
        return
        [
            .. accounts.Where(a => a.Cluster is not null).GroupBy(a => a.Cluster!, StringComparer.Ordinal)
                .Select(g => new FlaggedCluster(g.Key, [.. g.Select(a => a.Account)])),
            .. accounts.Where(a => a.Cluster is null).Select(a => new FlaggedCluster(null, [a.Account])),
        ];
    }

    private static DateTime Latest(DateTime a, DateTime? b) => b is { } t && t > a ? t : a;
}
