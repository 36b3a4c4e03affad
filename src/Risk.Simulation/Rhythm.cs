namespace Risk.Simulation;

internal enum Lang { En, Zh, Es, Ru, Fr, De, Ja, Pt }

/// <summary>Where a person lives: their UTC offset and the languages they write in.</summary>
internal enum Region { Americas, Europe, Asia, Global }

internal static class Regions
{
    private static readonly (double Offset, double Weight)[] Americas = [(-8, 30), (-7, 10), (-6, 20), (-5, 35), (-3, 5)];
    private static readonly (double Offset, double Weight)[] Europe = [(0, 20), (1, 45), (2, 20), (3, 15)];
    private static readonly (double Offset, double Weight)[] Asia = [(5.5, 15), (7, 10), (8, 50), (9, 25)];

    public static double UtcOffset(this Random rng, Region region) => region switch
    {
        Region.Americas => rng.Weighted(Americas),
        Region.Europe => rng.Weighted(Europe),
        Region.Asia => rng.Weighted(Asia),
        _ => rng.UtcOffset(rng.Weighted<Region>([(Region.Americas, 40), (Region.Europe, 30), (Region.Asia, 30)])),
    };

    /// <summary>The language a person mostly writes in, given where they are.</summary>
    public static Lang HomeLanguage(this Random rng, double utcOffset) => utcOffset switch
    {
        <= -6 => rng.Weighted<Lang>([(Lang.En, 85), (Lang.Es, 12), (Lang.Pt, 3)]),
        < -2 => rng.Weighted<Lang>([(Lang.En, 70), (Lang.Es, 20), (Lang.Pt, 10)]),
        < 2.5 => rng.Weighted<Lang>([(Lang.En, 45), (Lang.De, 18), (Lang.Fr, 18), (Lang.Es, 12), (Lang.Pt, 7)]),
        < 5 => rng.Weighted<Lang>([(Lang.Ru, 55), (Lang.En, 45)]),
        < 7.5 => rng.Weighted<Lang>([(Lang.En, 90), (Lang.Zh, 10)]),
        < 8.5 => rng.Weighted<Lang>([(Lang.Zh, 70), (Lang.En, 30)]),
        _ => rng.Weighted<Lang>([(Lang.Ja, 70), (Lang.En, 30)]),
    };
}

/// <summary>
/// How a person uses the API over a week. Local hours are converted to UTC with the person's offset, so a
/// crowd spread over time zones covers the clock while each member still sleeps.
/// </summary>
internal sealed record HumanHabits(
    double UtcOffsetHours,
    double WakeHour,
    double SleepHour,
    double ActiveDayProbability,
    double SessionsPerDay,
    double RequestsPerSession,
    double MedianGapSeconds,
    bool WeekdaysOnly = false,
    double WeekendFactor = 0.7);

/// <summary>One sitting: the requests a person sends before walking away.</summary>
internal readonly record struct Session(DateTime Start, IReadOnlyList<DateTime> Requests);

internal static class Rhythm
{
    /// <summary>
    /// A human's week: some days off, a few sessions a day clustered around late morning, afternoon and
    /// evening, log-normal think time between requests. Nights stay idle and gaps stay irregular.
    /// </summary>
    public static IEnumerable<Session> Human(Random rng, HumanHabits h, DateTime from, DateTime to)
    {
        var offset = TimeSpan.FromHours(h.UtcOffsetHours);
        var firstLocalDay = (from + offset).Date.AddDays(-1);
        for (var day = firstLocalDay; day - offset < to; day = day.AddDays(1))
        {
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (weekend && h.WeekdaysOnly) continue;
            if (!rng.Chance(h.ActiveDayProbability * (weekend ? h.WeekendFactor : 1))) continue;
            var sessions = Math.Max(1, rng.Poisson(h.SessionsPerDay));
            var starts = new List<double>();
            for (var s = 0; s < sessions; s++) starts.Add(SessionHour(rng, h));
            starts.Sort();
            foreach (var hour in starts)
            {
                var t = DateTime.SpecifyKind(day, DateTimeKind.Utc).AddHours(hour) - offset;
                var count = 1 + rng.Poisson(Math.Max(0, h.RequestsPerSession - 1));
                var times = new List<DateTime>(count);
                for (var i = 0; i < count; i++)
                {
                    if (t >= from && t < to) times.Add(t);
                    t += Draw.Seconds(Math.Clamp(rng.LogNormal(h.MedianGapSeconds, 0.9), 4, 3600));
                }
                if (times.Count > 0) yield return new Session(times[0], times);
            }
        }
    }

    /// <summary>A session's local start hour: a mixture of late-morning, afternoon and evening peaks within waking hours.</summary>
    private static double SessionHour(Random rng, HumanHabits h)
    {
        var wake = h.WakeHour;
        var sleep = h.SleepHour > h.WakeHour ? h.SleepHour : h.SleepHour + 24;
        double hour;
        if (h.WeekdaysOnly)
        {
            hour = rng.Weighted<double>([(10.5, 45), (15, 45), (12.5, 10)]) + rng.Normal(0, 1.3);
        }
        else
        {
            var peak = rng.Weighted<double>([(wake + 2.5, 30), (14.5, 30), (20.5, 30), (sleep - 1, 10)]);
            hour = peak + rng.Normal(0, 1.6);
        }
        return Math.Clamp(hour, wake, sleep - 0.25);
    }

    /// <summary>
    /// A worker that takes jobs from a load balancer: gamma-distributed gaps (shape above 1, so more regular
    /// than a Poisson stream) at a flat rate through all 24 hours.
    /// </summary>
    public static IEnumerable<DateTime> LoadBalanced(Random rng, double perDay, DateTime from, DateTime to, double shape = 2.5)
    {
        var mean = 86400.0 / perDay;
        var t = from + Draw.Seconds(rng.Uniform(0, mean));
        while (t < to)
        {
            yield return t;
            t += Draw.Seconds(rng.Gamma(shape, mean / shape));
        }
    }

    /// <summary>
    /// A service's traffic on behalf of its own users: a Poisson stream that follows their day, quiet at night
    /// and flat from morning to late evening.
    /// </summary>
    public static IEnumerable<DateTime> Diurnal(Random rng, double perDay, double utcOffsetHours, DateTime from, DateTime to)
    {
        static double Weight(int localHour) => localHour switch { < 6 => 0.15, < 8 => 0.5, < 22 => 1.0, _ => 0.5 };
        var total = Enumerable.Range(0, 24).Sum(Weight);
        var offset = (int)Math.Floor(utcOffsetHours);
        for (var hour = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc); hour < to; hour = hour.AddHours(1))
        {
            var local = ((hour.Hour + offset) % 24 + 24) % 24;
            var times = Enumerable.Range(0, rng.Poisson(perDay * Weight(local) / total))
                .Select(_ => hour + Draw.Seconds(rng.Uniform(0, 3600))).Order().ToList();
            foreach (var t in times)
                if (t >= from && t < to) yield return t;
        }
    }

    /// <summary>Fraction of the way from <paramref name="from"/> to <paramref name="to"/>, clamped to [0, 1].</summary>
    public static double Ramp(DateTime t, DateTime from, DateTime to) =>
        t <= from ? 0 : t >= to ? 1 : (t - from).TotalSeconds / (to - from).TotalSeconds;
}
