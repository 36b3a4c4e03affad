using Microsoft.AspNetCore.Mvc.RazorPages;
using Risk.Client.Gateway;
using Risk.Contracts;

namespace Risk.Silo.OpsConsole.Pages;

public sealed class IndexModel(IGrainFactory grains, RiskGateway gateway) : PageModel
{
    /// <summary>Flagged accounts listed; the watchlist holds more, highest scores first.</summary>
    private const int Listed = 50;
    private const int ClustersListed = 10;

    public int Hours { get; private set; }
    public DateTime Now { get; private set; }
    public IReadOnlyList<TallyBucket> Tally { get; private set; } = [];
    public IReadOnlyList<WatchedAccount> Flagged { get; private set; } = [];
    public int FlaggedTotal { get; private set; }
    public IReadOnlyList<RiskyCluster> Clusters { get; private set; } = [];

    /// <param name="Listed">How many of its accounts are on the watchlist now.</param>
    public sealed record RiskyCluster(ClusterRisk Risk, int Listed);

    public async Task OnGetAsync(int? hours)
    {
        Hours = Math.Clamp(hours ?? 6, 1, (int)IDecisionTallyGrain.Kept.TotalHours);
        // This silo's own decisions since its last report are counted too, not a report interval later.
        await gateway.ReportTally();
        Now = DateTime.UtcNow;
        var tally = grains.GetGrain<IDecisionTallyGrain>(IPolicyGrain.Default).Get(TimeSpan.FromHours(Hours));
        var flagged = await grains.GetGrain<IWatchlistGrain>(IWatchlistGrain.Default).Flagged(1000);
        Tally = await tally;
        FlaggedTotal = flagged.Count;
        Flagged = flagged.Take(Listed).ToList();
        var clusters = flagged.Where(a => a.Cluster is not null).GroupBy(a => a.Cluster!).ToList();
        var risks = await Task.WhenAll(clusters.Select(async g => new RiskyCluster(await grains.Grain<IClusterGrain>(g.Key).GetRisk(), g.Count())));
        // A merged cluster answers for the one it joined: count each cluster once.
        Clusters = risks.GroupBy(r => r.Risk.ClusterId)
            .Select(g => g.First() with { Listed = g.Sum(r => r.Listed) })
            .OrderByDescending(r => r.Risk.Members).ThenByDescending(r => r.Listed)
            .Take(ClustersListed).ToList();
    }
}
