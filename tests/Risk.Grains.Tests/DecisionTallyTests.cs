using Risk.Contracts;

namespace Risk.Grains.Tests;

/// <summary>The decisions gateways answered, summed per five minutes of wall time for the console's chart.</summary>
public class DecisionTallyTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    // One grain per cluster; each test works in buckets of its own, far enough apart not to meet.
    private IDecisionTallyGrain Tally => fixture.Grains.GetGrain<IDecisionTallyGrain>(IPolicyGrain.Default);

    private static DateTime Bucket(double hoursAgo) => TallyBucket.StartOf(DateTime.UtcNow.AddHours(-hoursAgo));

    [Fact]
    public async Task Reports_of_the_same_bucket_are_summed_and_buckets_come_oldest_first()
    {
        var (older, newer) = (Bucket(30), Bucket(29));
        await Tally.Add([new TallyBucket(newer, 1, 2, 3, 4)]);
        await Tally.Add([new TallyBucket(older, 10, 0, 0, 1), new TallyBucket(newer, 5, 0, 1, 0)]);

        var buckets = await Traffic.Eventually(() => Tally.Get(TimeSpan.FromHours(31)), b => b.Any(x => x.Start == older));
        var mine = buckets.Where(b => b.Start == older || b.Start == newer).ToArray();

        Assert.Equal([new TallyBucket(older, 10, 0, 0, 1), new TallyBucket(newer, 6, 2, 4, 4)], mine);
        Assert.Equal(buckets.OrderBy(b => b.Start), buckets);
    }

    [Fact]
    public async Task Get_returns_only_the_buckets_within_the_window()
    {
        var (outside, inside) = (Bucket(40), Bucket(1));
        await Tally.Add([new TallyBucket(outside, 7, 0, 0, 0), new TallyBucket(inside, 0, 0, 0, 9)]);

        var wide = await Traffic.Eventually(() => Tally.Get(TimeSpan.FromHours(41)), b => b.Any(x => x.Start == outside));
        var narrow = await Tally.Get(TimeSpan.FromHours(2));

        Assert.Contains(wide, b => b.Start == outside);
        Assert.DoesNotContain(narrow, b => b.Start == outside);
        Assert.Contains(narrow, b => b.Start == inside && b.Block >= 9);
        Assert.All(narrow, b => Assert.True(b.Start >= DateTime.UtcNow.AddHours(-2) - TallyBucket.Width));
    }

    [Fact]
    public async Task Buckets_older_than_kept_are_dropped_and_empty_ones_left_out()
    {
        var (old, empty, fresh) = (Bucket(49), Bucket(10), Bucket(9));
        await Tally.Add([new TallyBucket(old, 3, 0, 0, 0), new TallyBucket(empty, 0, 0, 0, 0), new TallyBucket(fresh, 1, 0, 0, 0)]);

        var all = await Traffic.Eventually(() => Tally.Get(TimeSpan.FromDays(30)), b => b.Any(x => x.Start == fresh));

        Assert.DoesNotContain(all, b => b.Start == old);
        Assert.DoesNotContain(all, b => b.Start == empty);
        Assert.All(all, b => Assert.True(b.Start >= DateTime.UtcNow - IDecisionTallyGrain.Kept - TallyBucket.Width));
    }
}
