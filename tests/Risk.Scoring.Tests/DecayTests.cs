using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class DecayTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void A_count_halves_after_one_half_life_of_event_time()
    {
        var c = new DecayedCounter();
        c.Add(T0, 8, Hour);
        Assert.Equal(4, c.ValueAt(T0 + Hour, Hour), 9);
        Assert.Equal(1, c.ValueAt(T0 + 3 * Hour, Hour), 9);
    }

    [Fact]
    public void Adding_after_a_gap_decays_what_was_there_first()
    {
        var c = new DecayedCounter();
        c.Add(T0, 10, Hour);
        c.Add(T0 + 2 * Hour, 1, Hour);
        Assert.Equal(10 * 0.25 + 1, c.Value, 9);
    }

    [Fact]
    public void Arrival_order_does_not_change_the_result()
    {
        var inOrder = new DecayedCounter();
        var late = new DecayedCounter();
        var times = new[] { T0, T0 + Hour, T0 + 5 * Hour, T0 + TimeSpan.FromMinutes(90) };
        foreach (var t in times.OrderBy(t => t)) inOrder.Add(t, 1, Hour);
        foreach (var t in times) late.Add(t, 1, Hour);
        Assert.Equal(inOrder.ValueAt(T0 + 6 * Hour, Hour), late.ValueAt(T0 + 6 * Hour, Hour), 9);
    }

    [Fact]
    public void Decay_follows_event_time_not_the_wall_clock()
    {
        // A week of events replayed in microseconds decays exactly as if lived through.
        var c = new DecayedCounter();
        for (var day = 0; day < 7; day++) c.Add(T0 + TimeSpan.FromDays(day), 1, TimeSpan.FromDays(1));
        var expected = Enumerable.Range(0, 7).Sum(d => Math.Pow(2, -(6 - d)));
        Assert.Equal(expected, c.Value, 9);
        Assert.Equal(T0 + TimeSpan.FromDays(6), c.At);
    }

    [Fact]
    public void Asking_about_an_earlier_time_never_inflates_the_count()
    {
        var c = new DecayedCounter();
        c.Add(T0 + Hour, 4, Hour);
        Assert.Equal(4, c.ValueAt(T0, Hour));
    }
}
