using System.Diagnostics;

namespace Risk.Benchmarks;

/// <summary>Recorded latencies of one measurement, in microseconds, with exact percentiles.</summary>
public sealed class Latencies(int capacity)
{
    private readonly double[] _samples = new double[capacity];
    private int _count;

    public static double Microseconds(long startTimestamp) =>
        (Stopwatch.GetTimestamp() - startTimestamp) * 1_000_000.0 / Stopwatch.Frequency;

    public void Add(double microseconds)
    {
        if (_count < _samples.Length) _samples[_count++] = microseconds;
    }

    public double Percentile(double p)
    {
        if (_count == 0) return double.NaN;
        var sorted = _samples[.._count];
        Array.Sort(sorted);
        return sorted[Math.Min(_count - 1, (int)Math.Ceiling(p / 100 * _count) - 1)];
    }
}

public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
