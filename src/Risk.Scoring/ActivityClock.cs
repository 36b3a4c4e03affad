namespace Risk.Scoring;

/// <summary>
/// When an account is active: a decayed histogram over the 24 hours of the day, and decayed moments of the
/// log gap between requests. Humans leave hours idle and have irregular gaps; load-balanced pools do neither.
/// Fixed size: 24 + 3 doubles.
/// </summary>
public sealed class ActivityClock
{
    public static readonly TimeSpan HourHalfLife = TimeSpan.FromDays(7);
    public static readonly TimeSpan GapHalfLife = TimeSpan.FromDays(1);

    public double[] Hours { get; set; } = new double[24];
    public DateTime HoursAt { get; set; }
    public DateTime LastTs { get; set; }
    public double GapWeight { get; set; }
    public double GapMean { get; set; }
    public double GapSquareMean { get; set; }

    public void Observe(DateTime ts)
    {
        if (ts >= HoursAt)
        {
            var f = DecayedCounter.Factor(ts - HoursAt, HourHalfLife);
            for (var h = 0; h < 24; h++) Hours[h] *= f;
            HoursAt = ts;
            Hours[ts.Hour] += 1;
        }
        else
        {
            Hours[ts.Hour] += DecayedCounter.Factor(HoursAt - ts, HourHalfLife);
        }

        if (ts > LastTs && LastTs != default)
        {
            // Gaps are measured in log-seconds: a request every 3 s and one every 3 min are equally "regular".
            var logGap = Math.Log(Math.Max(1, (ts - LastTs).TotalSeconds));
            var keep = DecayedCounter.Factor(ts - LastTs, GapHalfLife);
            var w = GapWeight * keep;
            GapMean = (GapMean * w + logGap) / (w + 1);
            GapSquareMean = (GapSquareMean * w + logGap * logGap) / (w + 1);
            GapWeight = w + 1;
        }
        if (ts > LastTs) LastTs = ts;
    }

    /// <summary>Hours of the day holding at least an eighth of the busiest hour's activity.</summary>
    public int ActiveHours()
    {
        var max = Hours.Max();
        if (max <= 0) return 0;
        return Hours.Count(h => h >= max / 8);
    }

    /// <summary>Standard deviation of log gaps; about 1.3 for a Poisson stream, near 0 for a fixed schedule.</summary>
    public double GapSpread() => Math.Sqrt(Math.Max(0, GapSquareMean - GapMean * GapMean));
}
