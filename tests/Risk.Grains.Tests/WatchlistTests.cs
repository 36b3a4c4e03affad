using Risk.Contracts;

namespace Risk.Grains.Tests;

/// <summary>The watchlist holds the accounts Risk flags now, as the console and indicator exports read them.</summary>
public class WatchlistTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IIngestGrain Ingest => fixture.Grains.GetGrain<IIngestGrain>(0);
    private IWatchlistGrain Watchlist => fixture.Grains.GetGrain<IWatchlistGrain>(IWatchlistGrain.Default);

    [Fact]
    public async Task A_flagged_account_is_listed_with_its_reasons_and_leaves_when_an_operator_allows_it()
    {
        await Ingest.Ingest(Enumerable.Range(0, 5).Select(i => Traffic.Ordinary("watch-olga", i)).ToArray());
        for (var chunk = 0; chunk < 4; chunk++)
            await Ingest.Ingest(Enumerable.Range(chunk * 50, 50).Select(i => Traffic.Extraction("watch-eve", 10_000 + i)).ToArray());

        var listed = await Traffic.Eventually(async () => (await Watchlist.Flagged(100)).FirstOrDefault(a => a.Account == "watch-eve"), a => a is not null);
        Assert.NotNull(listed);
        Assert.True(listed.IsFlagged, $"listed as {listed.Action}");
        Assert.Contains(ReasonCodes.CotElicitation, listed.Reasons);
        Assert.Equal("203.0.113.50", listed.Ip);
        Assert.NotNull(listed.FirstFlaggedAt);
        Assert.DoesNotContain(await Watchlist.Flagged(100), a => a.Account == "watch-olga");

        await fixture.Grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).SetOverride(EntityKind.Account, "watch-eve", OverrideAction.Allow, "test");
        var after = await Traffic.Eventually(() => Watchlist.Flagged(100), list => list.All(a => a.Account != "watch-eve"));
        Assert.DoesNotContain(after, a => a.Account == "watch-eve");
    }
}
