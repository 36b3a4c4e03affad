using System.Text.Json;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class HourlyTimelineTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    private static (DateTime Hour, int Events, int Score)[] Points(HourlyTimeline t) =>
        [.. Enumerable.Range(0, t.Count).Select(i => (HourlyTimeline.StartOf(t.Hours[i]), t.Events[i], (int)t.Scores[i]))];

    [Fact]
    public void Events_are_counted_per_hour_and_an_hour_without_events_takes_no_slot()
    {
        var t = new HourlyTimeline();
        t.Add(T0.AddMinutes(5));
        t.Add(T0.AddMinutes(59));
        t.Score(T0.AddMinutes(59), 12);
        t.Add(T0.AddHours(3).AddMinutes(1));
        t.Score(T0.AddHours(3).AddMinutes(1), 40);

        Assert.Equal([(T0, 2, 12), (T0.AddHours(3), 1, 40)], Points(t));
    }

    [Fact]
    public void The_ring_keeps_the_latest_24_active_hours_oldest_first()
    {
        var t = new HourlyTimeline();
        for (var h = 0; h < 30; h++)
        {
            t.Add(T0.AddHours(h * 2));
            t.Score(T0.AddHours(h * 2), h);
        }

        var points = Points(t);
        Assert.Equal(HourlyTimeline.Capacity, points.Length);
        Assert.Equal(T0.AddHours(12), points[0].Hour);
        Assert.Equal(T0.AddHours(58), points[^1].Hour);
        Assert.Equal(Enumerable.Range(6, 24), points.Select(p => p.Score));
    }

    [Fact]
    public void A_late_event_adds_to_its_hour_in_the_ring_and_one_older_than_a_full_ring_is_counted_nowhere()
    {
        var t = new HourlyTimeline();
        for (var h = 0; h < 24; h++) t.Add(T0.AddHours(h * 2));

        Assert.True(t.Add(T0.AddHours(10).AddMinutes(30)));
        Assert.False(t.Add(T0.AddHours(-1)));
        // A gap hour takes a slot in order, and the oldest goes.
        Assert.True(t.Add(T0.AddHours(5)));

        var points = Points(t);
        Assert.Equal(HourlyTimeline.Capacity, points.Length);
        Assert.Equal(T0.AddHours(2), points[0].Hour);
        Assert.Equal((T0.AddHours(5), 1), (points[2].Hour, points[2].Events));
        Assert.Equal((T0.AddHours(10), 2), (points.Single(p => p.Hour == T0.AddHours(10)).Hour, points.Single(p => p.Hour == T0.AddHours(10)).Events));
        Assert.Equal(25, points.Sum(p => p.Events));
    }

    [Fact]
    public void A_late_event_before_the_oldest_hour_takes_a_free_slot_while_the_ring_is_not_full()
    {
        var t = new HourlyTimeline();
        t.Add(T0.AddHours(4));
        t.Add(T0.AddHours(1));

        Assert.Equal([T0.AddHours(1), T0.AddHours(4)], Points(t).Select(p => p.Hour));
    }

    [Fact]
    public void It_round_trips_through_json_and_stays_small()
    {
        var t = new HourlyTimeline();
        for (var h = 0; h < 100; h++) { t.Add(T0.AddHours(h)); t.Score(T0.AddHours(h), 100); }

        var json = JsonSerializer.Serialize(t);
        var back = JsonSerializer.Deserialize<HourlyTimeline>(json)!;

        Assert.Equal(Points(t), Points(back));
        Assert.True(json.Length < 400, $"{json.Length} bytes: {json}");
    }
}
