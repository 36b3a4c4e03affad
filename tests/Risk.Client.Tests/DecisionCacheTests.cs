using Microsoft.Extensions.Time.Testing;
using Risk.Client.Gateway;
using Risk.Contracts;

namespace Risk.Client.Tests;

public class DecisionCacheTests
{
    private static readonly EntityRisk Clean = new(0, []);
    private static readonly EntityRisk Flagged = new(90, [new ReasonScore(ReasonCodes.CotElicitation, 90)]);
    private static readonly Decision Allow = new(DecisionAction.Allow, 0, [], 1);

    private static EntityRisk? Held(DecisionCache cache, string account) => cache.HeldRisk(EntityKind.Account, GrainKeys.Account(account), out _);

    [Fact]
    public void A_push_that_overtakes_a_read_is_kept_over_the_read()
    {
        var cache = new DecisionCache(100, TimeSpan.FromSeconds(30));
        var key = GrainKeys.Account("alice");
        var stamp = cache.StampOf("alice", null, null);
        cache.Changed(EntityKind.Account, key, Flagged); // pushed while the read was out
        cache.Adopt(EntityKind.Account, key, stamp.AccountVersion, Clean, cache.Now);

        Assert.Same(Flagged, Held(cache, "alice"));
        // The decision made from the read is stale before it is ever served.
        cache.Put("alice", null, null, Allow, stamp);
        Assert.False(cache.TryGet("alice", null, null, out _));
    }

    [Fact]
    public void A_pushed_risk_is_not_held_without_a_watch()
    {
        // Timestamps count from boot: on a host up for less than a watch, "never watched" must not read as recent.
        var time = new FakeTimeProvider(DateTimeOffset.MinValue);
        var cache = new DecisionCache(100, TimeSpan.FromSeconds(30), time);
        cache.Changed(EntityKind.Account, GrainKeys.Account("dan"), Flagged);
        Assert.Null(Held(cache, "dan"));

        time.Advance(TimeSpan.FromSeconds(1));
        var stamp = cache.StampOf("dan", null, null);
        cache.Adopt(EntityKind.Account, GrainKeys.Account("dan"), stamp.AccountVersion, Flagged, cache.Now);
        Assert.Same(Flagged, Held(cache, "dan"));
    }

    [Fact]
    public void A_renewal_that_finds_the_risk_moved_drops_the_decisions_made_from_it()
    {
        var cache = new DecisionCache(100, TimeSpan.FromSeconds(30));
        var key = GrainKeys.Account("bob");
        cache.Adopt(EntityKind.Account, key, cache.StampOf("bob", null, null).AccountVersion, Clean, cache.Now);
        var stamp = cache.StampOf("bob", null, null);
        cache.Put("bob", null, null, Allow, stamp);
        Assert.True(cache.TryGet("bob", null, null, out _));

        cache.Adopt(EntityKind.Account, key, stamp.AccountVersion, new EntityRisk(0, []), cache.Now); // the same risk
        Assert.True(cache.TryGet("bob", null, null, out _));
        cache.Adopt(EntityKind.Account, key, stamp.AccountVersion, Flagged, cache.Now); // a push was lost
        Assert.False(cache.TryGet("bob", null, null, out _));
        Assert.Same(Flagged, Held(cache, "bob"));
    }

    [Fact]
    public void Held_risks_are_bounded_and_dropping_them_drops_every_decision()
    {
        var cache = new DecisionCache(10, TimeSpan.FromSeconds(30));
        var stamp = cache.StampOf("carol", null, null);
        cache.Adopt(EntityKind.Account, GrainKeys.Account("carol"), stamp.AccountVersion, Clean, cache.Now);
        cache.Put("carol", null, null, Allow, cache.StampOf("carol", null, null));
        Assert.True(cache.TryGet("carol", null, null, out _));

        for (var i = 0; i < 1000; i++) cache.Changed(EntityKind.Ip, $"10.0.{i / 256}.{i % 256}", Clean);
        Assert.InRange(cache.EntityCount, 1, 10);
        Assert.Null(Held(cache, "carol"));
        Assert.False(cache.TryGet("carol", null, null, out _));

        // A read that was out while the table was dropped is not held: a push it missed may have gone with the table.
        cache.Adopt(EntityKind.Account, GrainKeys.Account("carol"), stamp.AccountVersion, Clean, cache.Now);
        Assert.Null(Held(cache, "carol"));
    }
}
