using Risk.Tests.Shared;

namespace Risk.Simulation.Tests;

/// <summary>
/// The detection targets, asserted on a small run of the simulator (all cohorts at a quarter scale, seed 5).
/// The README and the closing note give the figures at the default scale and on the held-out seed.
/// </summary>
public class DetectionTargetTests(EmbeddedCluster embedded) : IClassFixture<EmbeddedCluster>
{
    private static readonly string[] CrowdedCohorts = ["nat", "campus", "corporate", "relay", "agent"];

    [Fact]
    public async Task Attacks_are_caught_and_the_crowds_that_share_an_ip_are_spared()
    {
        var result = await WorldRun.Evaluate(embedded, scale: 0.25, seed: 5, Recipe.Reference);
        var cohort = result.Cohorts.ToDictionary(c => c.Cohort);

        Assert.True(cohort["hydra"].FlagRate >= 0.95, $"hydra recall {cohort["hydra"].FlagRate:P1}");
        Assert.True(cohort["lockstep"].FlagRate >= 0.95, $"lockstep recall {cohort["lockstep"].FlagRate:P1}");
        Assert.True(cohort["pivot"].FlagRate >= 0.90, $"pivot recall {cohort["pivot"].FlagRate:P1}");
        // A benign user flagged at any time was hurt, even if let go later.
        Assert.True(result.BenignFlaggedEverRate <= 0.001, $"benign flagged at some time {result.BenignFlaggedEverRate:P2}");
        foreach (var crowd in CrowdedCohorts)
            Assert.True(cohort[crowd].FlaggedEverRate <= 0.005, $"{crowd} flagged at some time {cohort[crowd].FlaggedEverRate:P2}");
        Assert.True(result.Replacements > 0);
        Assert.True(result.ReplacementMedianRequests <= 20, $"replacements flagged after a median of {result.ReplacementMedianRequests} requests");
        var hydraCluster = result.Campaigns.Single(c => c.Campaign == "hydra");
        Assert.True(hydraCluster.Purity >= 0.95, $"main hydra cluster purity {hydraCluster.Purity:P1}");
    }
}
