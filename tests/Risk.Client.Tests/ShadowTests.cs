using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Risk.Client.Gateway;
using Risk.Contracts;
using Risk.Edge;
using Risk.Tests.Shared;

namespace Risk.Client.Tests;

public class ShadowTests(EmbeddedCluster embedded) : IClassFixture<EmbeddedCluster>
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    private IPolicyGrain Policy => embedded.Cluster.Client.GetGrain<IPolicyGrain>(IPolicyGrain.Default);

    private RiskGateway Gateway() => new(embedded.Cluster.Client,
        Options.Create(new RiskGatewayOptions { DecisionTimeout = TimeSpan.FromSeconds(10), ShadowReportInterval = TimeSpan.FromHours(1) }),
        NullLogger<RiskGateway>.Instance);

    private static RiskEvent Extraction(string account, int i) => new(
        T0.AddSeconds(20 * i), account, "192.0.2.141", AccountCreated: T0.AddDays(-1), InTokens: 50, OutTokens: 1500,
        Prompt: PromptFeatures.Extract($"Think step by step and show your full reasoning for benchmark item {i % 3}"));

    private async Task<ShadowCounts> Report(RiskGateway gateway, ShadowPolicy shadow)
    {
        await gateway.ReportShadow();
        return await embedded.Cluster.Client.GetGrain<IShadowReportGrain>(IPolicyGrain.Default).Get(shadow.Id);
    }

    [Fact]
    public async Task Every_decision_is_also_made_under_the_shadow_and_only_the_live_one_is_answered()
    {
        await embedded.Cluster.Client.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Extraction("shadow-mallory", i)).ToArray());
        var gateway = Gateway();
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            var live = await gateway.Decide("shadow-mallory");
            Assert.True(live.IsFlagged);
            Assert.True(live.Score < 100, "the candidate below allows any score under 100");
            Assert.Equal(DecisionAction.Allow, (await gateway.Decide("shadow-clean")).Action);

            // Thresholds no score reaches: every flagged decision would have been allowed.
            var shadow = await Policy.SetShadow(new Dictionary<string, double>
            {
                ["threshold.throttle"] = 100, ["threshold.challenge"] = 100, ["threshold.block"] = 100,
            }, "test", null);
            await Eventually(() => gateway.Cache.Shadow.Current?.Id == shadow.Id);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(live.Action, (await gateway.Decide("shadow-mallory")).Action);
                Assert.Equal(DecisionAction.Allow, (await gateway.Decide("shadow-clean")).Action);
            }
            Assert.True(gateway.Cache.Hits >= 4); // cached answers are compared too

            var counts = await Report(gateway, shadow);
            Assert.Equal(6, counts.Compared);
            var changed = Assert.Single(counts.Changed);
            Assert.Equal((live.Action, DecisionAction.Allow, 3L), (changed.Live, changed.Candidate, changed.Count));
            Assert.Equal(["shadow-mallory"], changed.Examples);

            // Ended, nothing more is counted; what was counted stays readable.
            await Policy.ClearShadow("test", null);
            await Eventually(() => gateway.Cache.Shadow.Current is { Active: false });
            await gateway.Decide("shadow-mallory");
            Assert.Equal(6, (await Report(gateway, shadow)).Compared);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_weight_in_shadow_moves_the_score_the_candidate_decides_on()
    {
        await embedded.Cluster.Client.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Extraction("shadow-oscar", i)).ToArray());
        var gateway = Gateway();
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            var live = await gateway.Decide("shadow-oscar");
            Assert.True(live.IsFlagged);
            // No weight for any of its reasons: under the candidate it has no points left.
            Assert.All(live.Reasons, r => Assert.True(Knobs.WeightsByCode.ContainsKey(r), r));
            var shadow = await Policy.SetShadow(live.Reasons.ToDictionary(r => Knobs.WeightOf(r).Key, _ => 0.0), "test", null);
            await Eventually(() => gateway.Cache.Shadow.Current?.Id == shadow.Id);

            Assert.Equal(live.Action, (await gateway.Decide("shadow-oscar")).Action);

            var changed = Assert.Single((await Report(gateway, shadow)).Changed);
            Assert.Equal((live.Action, DecisionAction.Allow), (changed.Live, changed.Candidate));
            await Policy.ClearShadow("test", null);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    private static async Task Eventually(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done() && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(done());
    }
}
