using System.Text.Json;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class RecentEventIdsTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_id_is_new_once_and_a_duplicate_after()
    {
        var ids = new RecentEventIds();
        Assert.Equal(EventIdCheck.New, ids.Admit(1, T0, capacity: 4));
        Assert.Equal(EventIdCheck.New, ids.Admit(2, T0, capacity: 4));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(1, T0, capacity: 4));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(2, T0.AddHours(1), capacity: 4));
    }

    [Fact]
    public void Past_its_capacity_it_forgets_the_oldest_and_refuses_events_as_old_as_those()
    {
        var ids = new RecentEventIds();
        for (var i = 1; i <= 4; i++) Assert.Equal(EventIdCheck.New, ids.Admit((ulong)i, T0.AddSeconds(i * 10), capacity: 4));
        // The fifth pushes out the first (at +10 s): an unknown id at or before then may be that one, or as old.
        Assert.Equal(EventIdCheck.New, ids.Admit(5, T0.AddSeconds(50), capacity: 4));
        Assert.Equal(EventIdCheck.Forgotten, ids.Admit(1, T0.AddSeconds(10), capacity: 4));
        Assert.Equal(EventIdCheck.Forgotten, ids.Admit(99, T0.AddSeconds(9), capacity: 4));
        Assert.Equal(EventIdCheck.New, ids.Admit(6, T0.AddSeconds(60), capacity: 4));
        // Still remembered, and later than the horizon: what a retry needs.
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(3, T0.AddSeconds(30), capacity: 4));
        Assert.Equal(EventIdCheck.New, ids.Admit(98, T0.AddSeconds(25), capacity: 4));
    }

    [Fact]
    public void A_batch_larger_than_the_capacity_is_kept_whole_until_the_next_and_then_the_oldest_go_first()
    {
        var ids = new RecentEventIds();
        // Full at 4 and turned once, so that the oldest is not at the start of the ring.
        for (var i = 1; i <= 6; i++) ids.Admit((ulong)i, T0.AddSeconds(i), capacity: 4);
        var size = ids.Fit(4, ids: 8);
        Assert.Equal(8, size);
        for (var i = 7; i <= 14; i++) Assert.Equal(EventIdCheck.New, ids.Admit((ulong)i, T0.AddSeconds(i), size));
        // The same batch again, whole: every id is found.
        size = ids.Fit(4, ids: 8);
        for (var i = 7; i <= 14; i++) Assert.Equal(EventIdCheck.Duplicate, ids.Admit((ulong)i, T0.AddSeconds(i), size));
        // A batch of one: the ring shrinks back to 4, and the ids it forgets are the oldest ones.
        size = ids.Fit(4, ids: 1);
        Assert.Equal(4, size);
        Assert.Equal(EventIdCheck.Forgotten, ids.Admit(10, T0.AddSeconds(10), size));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(11, T0.AddSeconds(11), size));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(14, T0.AddSeconds(14), size));
        Assert.Equal(EventIdCheck.New, ids.Admit(15, T0.AddSeconds(15), size));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(12, T0.AddSeconds(12), size));
    }

    [Fact]
    public void A_large_window_finds_duplicates_through_its_index_and_takes_more_ids_in_a_second_than_it_keeps()
    {
        var ids = new RecentEventIds();
        // A thousand events within one second, twice what is kept: all of them count.
        for (var i = 1; i <= 1000; i++) Assert.Equal(EventIdCheck.New, ids.Admit((ulong)i * 7919, T0.AddMilliseconds(i - 1), capacity: 500));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(1000UL * 7919, T0, capacity: 500));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(501UL * 7919, T0, capacity: 500));
        Assert.Equal(EventIdCheck.Forgotten, ids.Admit(500UL * 7919, T0.AddSeconds(-1), capacity: 500));
    }

    [Fact]
    public void What_it_remembers_survives_being_stored_as_json()
    {
        var ids = new RecentEventIds();
        for (var i = 1; i <= 10; i++) ids.Admit((ulong)i, T0.AddSeconds(i), capacity: 8);
        var stored = JsonSerializer.Deserialize<RecentEventIds>(JsonSerializer.Serialize(ids))!;

        Assert.Equal(EventIdCheck.Duplicate, stored.Admit(10, T0.AddSeconds(10), capacity: 8));
        Assert.Equal(EventIdCheck.Forgotten, stored.Admit(1, T0.AddSeconds(1), capacity: 8));
        Assert.Equal(EventIdCheck.New, stored.Admit(11, T0.AddSeconds(11), capacity: 8));
        Assert.True(JsonSerializer.Serialize(ids).Length < 200, "8 ids stay one short string");
    }

    [Fact]
    public void Weeks_later_it_moves_its_base_on_and_forgets_what_is_older()
    {
        var ids = new RecentEventIds();
        ids.Admit(1, T0, capacity: 8);
        ids.Admit(2, T0.AddDays(20), capacity: 8);
        // Past the 49.7 days that entries can count from one base: the base moves on past the first.
        Assert.Equal(EventIdCheck.New, ids.Admit(3, T0.AddDays(30), capacity: 8));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(2, T0.AddDays(20), capacity: 8));
        Assert.Equal(EventIdCheck.Duplicate, ids.Admit(3, T0.AddDays(30), capacity: 8));
        Assert.Equal(EventIdCheck.Forgotten, ids.Admit(1, T0, capacity: 8));
        // Before the new base but after the newest forgotten: applied once, then refused.
        Assert.Equal(EventIdCheck.New, ids.Admit(4, T0.AddDays(2), capacity: 8));
        Assert.Equal(EventIdCheck.Forgotten, ids.Admit(4, T0.AddDays(2), capacity: 8));
    }

    [Fact]
    public void A_new_activation_takes_every_id_up_to_what_its_counters_hold_as_seen()
    {
        var ids = new RecentEventIds();
        ids.ForgetUpTo(T0);
        Assert.Equal(EventIdCheck.Forgotten, ids.Admit(1, T0.AddSeconds(-30), capacity: 8));
        Assert.Equal(EventIdCheck.Forgotten, ids.Admit(1, T0, capacity: 8));
        Assert.Equal(EventIdCheck.New, ids.Admit(1, T0.AddSeconds(1), capacity: 8));
    }
}
