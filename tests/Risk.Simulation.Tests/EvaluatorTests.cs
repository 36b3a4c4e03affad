namespace Risk.Simulation.Tests;

/// <summary>What counts as caught and as hurt, in one world and over many.</summary>
public class EvaluatorTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    private static Labels World(params (string Account, string Cohort, bool Malicious)[] accounts) => new(
        "test", 1, 1, T0, T0.AddDays(7), 0, new Dictionary<string, DateTime>(),
        accounts.GroupBy(a => a.Cohort).ToDictionary(g => g.Key, g => new CohortLabel(g.First().Malicious, g.Count(), 0)),
        new Dictionary<string, IReadOnlyList<string>>(),
        accounts.ToDictionary(a => a.Account, a => new AccountLabel(a.Cohort, a.Malicious, false, null)));

    [Fact]
    public void A_benign_account_flagged_and_let_go_counts_as_hurt_and_an_attacker_let_go_as_missed()
    {
        var labels = World(("a1", "hydra", true), ("a2", "hydra", true), ("b1", "campus", false), ("b2", "campus", false), ("b3", "campus", false));
        AccountOutcome[] outcomes =
        [
            new("a1", "block", null, T0.AddHours(1)),
            new("a2", "throttle", null, T0.AddHours(2)), // flagged once, let go: not caught at the end
            new("b1", "allow", null, T0.AddHours(3)), // challenged for a while: hurt
            new("b2", "throttle", null, null),
            new("b3", "allow", null, null),
        ];

        var result = Evaluator.Score(outcomes, labels, new Dictionary<string, int>());

        var hydra = result.Cohorts.Single(c => c.Cohort == "hydra");
        Assert.Equal((1, 0.5, 2, 1.0), (hydra.Flagged, hydra.FlagRate, hydra.FlaggedEver, hydra.FlaggedEverRate));
        var campus = result.Cohorts.Single(c => c.Cohort == "campus");
        Assert.Equal((0, 1, 1), (campus.Flagged, campus.FlaggedEver, campus.Throttled));
        Assert.Equal(0, result.BenignFlagRate);
        Assert.Equal(1 / 3.0, result.BenignFlaggedEverRate, 9);
    }

    [Fact]
    public void Over_worlds_the_worst_is_the_lowest_recall_and_the_highest_benign_rate_with_its_seed()
    {
        static Evaluation One(double recall, double hurt) => new(
            [
                new CohortResult("hydra", true, 100, (int)(recall * 100), recall, 0, 0, 9, 0),
                new CohortResult("campus", false, 100, 0, 0, (int)(hurt * 100), hurt, null, 0),
            ],
            200, 0, 1, 0, hurt / 2, 0, 0, null, []);

        var summary = WorldsSummary.Of([(11, One(0.9, 0.01)), (12, One(0.5, 0.00)), (13, One(0.8, 0.03))]);

        var hydra = summary.Cohorts.Single(c => c.Cohort == "hydra");
        Assert.Equal(new Spread(0.8, 0.5, 12), hydra.Rate);
        var campus = summary.Cohorts.Single(c => c.Cohort == "campus");
        Assert.Equal("flagged at any time", campus.Measure);
        Assert.Equal(new Spread(0.01, 0.03, 13), campus.Rate);
        Assert.Equal(new Spread(0.005, 0.015, 13), summary.BenignFlaggedEver);
        Assert.Equal([11, 12, 13], summary.Seeds);
    }
}
