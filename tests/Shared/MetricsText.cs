using System.Globalization;

namespace Risk.Tests.Shared;

/// <summary>A silo's /metrics in Prometheus' text format: <c>name{labels} value [timestamp]</c>, a series a line.</summary>
internal static class MetricsText
{
    /// <summary>Each series of the metric <paramref name="name"/>: its labels (without braces; empty when none) and value.</summary>
    public static IEnumerable<(string Labels, double Value)> Series(string text, string name) =>
        text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] is '{' or ' ')
            .Select(l =>
            {
                var end = l[name.Length] == '{' ? l.LastIndexOf('}') : name.Length - 1;
                var labels = end > name.Length ? l[(name.Length + 1)..end] : "";
                return (labels, double.Parse(l[(end + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
            });

    /// <summary>The metric's value summed over its series.</summary>
    public static double Sum(string text, string name) => Series(text, name).Sum(s => s.Value);
}
