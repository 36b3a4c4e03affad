using Risk.Tests.Shared;

namespace Risk.Simulation.Tests;

/// <summary>
/// The detection targets on worlds whose parameters are drawn from the recipe's ranges, at a small scale, on two
/// seeds that were never used to tune anything. At this scale a crowd or a bootcamp has a few dozen accounts, so
/// "at most 0.5 %" means none; the figures at the default scale, over ten held-back worlds, are in DETECTION.md.
/// </summary>
public class DrawnWorldTargetTests
{
    private static readonly string[] Crowds = ["nat", "campus", "corporate", "relay", "agent"];
    private static readonly string[] Campaigns = ["hydra", "lockstep", "pivot"];

    [Theory]
    [InlineData(4001)]
    [InlineData(4002)]
    public async Task A_drawn_world_meets_the_detection_targets(int seed)
    {
        var cluster = new EmbeddedCluster();
        await cluster.InitializeAsync();
        try
        {
            var result = await WorldRun.Evaluate(cluster, scale: 0.3, seed, Recipe.Draw(seed));
            var cohort = result.Cohorts.ToDictionary(c => c.Cohort);

            foreach (var attack in Campaigns)
                Assert.True(cohort[attack].FlagRate >= 0.90, $"{attack} flagged at the end {cohort[attack].FlagRate:P1}");
            Assert.True(cohort["careful"].FlagRate >= 0.5, $"careful flagged at the end {cohort["careful"].FlagRate:P1}");
            Assert.True(cohort["lockstep"].MedianRequestsToFlag <= 10, $"lockstep flagged after a median of {cohort["lockstep"].MedianRequestsToFlag} requests");
            // A benign user flagged at any time was hurt, even if let go later.
            Assert.True(result.BenignFlaggedEverRate <= 0.001, $"benign flagged at some time {result.BenignFlaggedEverRate:P2}");
            foreach (var crowd in Crowds)
                Assert.True(cohort[crowd].FlaggedEverRate <= 0.005, $"{crowd} flagged at some time {cohort[crowd].FlaggedEverRate:P2}");
            Assert.True(cohort["bootcamp"].FlaggedEverRate <= 0.025, $"bootcamp flagged at some time {cohort["bootcamp"].FlaggedEverRate:P2}");
            Assert.True(result.Replacements > 0);
            Assert.True(result.ReplacementMedianRequests <= 5, $"replacements flagged after a median of {result.ReplacementMedianRequests} requests");
            foreach (var campaign in result.Campaigns.Where(c => Campaigns.Contains(c.Campaign) || c.Campaign == "careful"))
            {
                Assert.True(campaign.Coverage >= 0.80, $"{campaign.Campaign}'s main cluster covers {campaign.Coverage:P1}");
                Assert.True(campaign.Purity >= 0.95, $"{campaign.Campaign}'s main cluster purity {campaign.Purity:P1}");
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
