using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace Risk.Grains.Tests;

public class CheckpointBudgetTests
{
    [Fact]
    public void Past_the_budget_writes_are_refused_and_counted_once_per_waiting_entity_until_they_write()
    {
        using var budget = new CheckpointBudget(Options.Create(new RiskGrainOptions { CheckpointWritesPerSecond = 2 }));
        bool a = false, b = false, c = false;
        Assert.True(budget.TryTake(ref a));
        Assert.True(budget.TryTake(ref b));
        Assert.False(budget.TryTake(ref c));
        Assert.False(budget.TryTake(ref c)); // the same entity refused again still counts once
        Assert.True(c);
        Assert.Equal(1, budget.Waiting);
        Assert.Equal(TimeSpan.FromSeconds(0.5), budget.Backlog);

        budget.Leave(ref c); // it wrote another way, e.g. on deactivation
        Assert.False(c);
        Assert.Equal(0, budget.Waiting);
        budget.Leave(ref c);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public void The_backlog_metric_follows_the_entities_that_wait_in_seconds_of_budget()
    {
        using var backlog = new MetricCollector<double>(null, RiskMetrics.MeterName, "risk.state.backlog");
        using var budget = new CheckpointBudget(Options.Create(new RiskGrainOptions { CheckpointWritesPerSecond = 4 }));
        var entities = new bool[6];
        for (var i = 0; i < entities.Length; i++) budget.TryTake(ref entities[i]);
        budget.Leave(ref entities[4]);

        // Other tests' silos draw on budgets of their own at the same time; theirs are not a quarter second a write.
        var ours = backlog.GetMeasurementSnapshot().Select(m => m.Value).Where(v => Math.Abs(v) == 0.25).ToArray();
        Assert.Equal(budget.Backlog.TotalSeconds, ours.Sum(), 9);
        Assert.Equal(0.25, budget.Backlog.TotalSeconds, 9);
    }

    [Fact]
    public void Without_a_budget_every_write_goes_ahead()
    {
        using var budget = new CheckpointBudget(Options.Create(new RiskGrainOptions { CheckpointWritesPerSecond = 0 }));
        var waiting = false;
        for (var i = 0; i < 10_000; i++) Assert.True(budget.TryTake(ref waiting));
        Assert.Equal(TimeSpan.Zero, budget.Backlog);
    }
}
