using Microsoft.Extensions.Time.Testing;
using Risk.Client.Gateway;
using Risk.Contracts;

namespace Risk.Client.Tests;

/// <summary>The gateway's count of decisions answered, per action and five minutes, between reports.</summary>
public class DecisionTallyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 1, 0, TimeSpan.Zero);
    private static readonly DateTime Bucket0 = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Decisions_are_counted_per_action_in_the_bucket_of_their_time_and_taken_once()
    {
        var time = new FakeTimeProvider(T0);
        var tally = new DecisionTally(time);
        tally.Count(DecisionAction.Allow);
        tally.Count(DecisionAction.Allow);
        tally.Count(DecisionAction.Block);
        time.Advance(TimeSpan.FromMinutes(5));
        tally.Count(DecisionAction.Challenge);
        tally.Count(DecisionAction.Throttle);

        Assert.Equal([new TallyBucket(Bucket0, 2, 0, 0, 1), new TallyBucket(Bucket0.AddMinutes(5), 0, 1, 1, 0)], tally.Take());
        Assert.Empty(tally.Take());

        tally.Count(DecisionAction.Allow);
        Assert.Equal([new TallyBucket(Bucket0.AddMinutes(5), 1, 0, 0, 0)], tally.Take());
    }

    [Fact]
    public void Counts_whose_report_failed_come_back_with_the_next()
    {
        var time = new FakeTimeProvider(T0);
        var tally = new DecisionTally(time);
        tally.Count(DecisionAction.Block);
        var failed = tally.Take();
        tally.Restore(failed);
        tally.Count(DecisionAction.Block);

        Assert.Equal([new TallyBucket(Bucket0, 0, 0, 0, 2)], tally.Take());
    }

    [Fact]
    public void Counting_from_many_threads_loses_nothing()
    {
        var tally = new DecisionTally();
        var taken = new List<TallyBucket>();
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                tally.Count((DecisionAction)(i % 4));
                if (worker == 0 && i % 10_000 == 0) lock (taken) taken.AddRange(tally.Take());
            }
        });
        taken.AddRange(tally.Take());

        Assert.Equal(800_000, taken.Sum(b => b.Total));
        Assert.Equal(200_000, taken.Sum(b => b.Block));
    }
}
