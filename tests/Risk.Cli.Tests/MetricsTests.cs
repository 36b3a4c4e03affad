using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>
/// A real silo's /metrics, scraped as Prometheus would, checked by promtool and against the series that
/// deploy/prometheus/alerts.yml reads.
/// </summary>
[Collection(OperatorSilo.Name)]
public class MetricsTests(OperatorKeyedSilo fixture)
{
    /// <summary>
    /// What promtool may say of series that are not Risk's: Orleans' instruments have no descriptions and count
    /// milliseconds and megabytes, and .NET's are called dotnet.assembly.count and the like. Their names are theirs;
    /// renaming them here would only part them from their documentation.
    /// </summary>
    private static readonly string[] OthersLintAllowed = ["no help text", "use base unit", "should not have \"_count\" suffix"];

    /// <summary>Series the rules read that a silo exports only once it happens: a failed write, a deferred checkpoint.</summary>
    private static readonly string[] ExportedOnceItHappens = ["risk_state_write_failures_total", "risk_state_backlog_seconds"];

    /// <summary>A scrape after one accepted event, one rejected and one decision, once all of them show.</summary>
    private async Task<string> Scrape()
    {
        using (var gateway = OperatorSilo.Client(fixture, "test-gateway"))
        {
            var posted = await gateway.PostAsync("/v1/events", OperatorSilo.Events(
                """{"ts":"2026-03-02T10:00:00Z","account":"metrics-a","ip":"198.51.100.7"}""",
                """{"ts":"2026-03-02T10:00:00Z","account":"metrics-b","ip":"not-an-ip"}"""));
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/v1/decision?account=metrics-a")).StatusCode);
        }
        using var analyst = OperatorSilo.Client(fixture, "test-analyst");
        var text = "";
        // The exporter collects on a scrape; a count made just before may reach the next one.
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            text = await analyst.GetStringAsync("/metrics");
            if (new[] { "risk_events_accepted_total{", "risk_events_rejected_total{", "risk_gateway_decisions_total{", "risk_state_dirty{" }.All(text.Contains)) break;
        }
        return text;
    }

    /// <summary>name{labels} value [timestamp]: the value.</summary>
    private static double Value(string line) =>
        double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>The metric families of a scrape, with their # HELP and # TYPE lines.</summary>
    private static string Families(string scrape, Func<string, bool> name) => string.Join('\n', scrape.Split('\n').Where(line =>
    {
        var metric = line.StartsWith("# ") ? line.Split(' ').ElementAtOrDefault(2) ?? "" : line.Split('{', ' ')[0];
        return metric.Length > 0 && name(metric);
    })) + "\n";

    [Fact]
    public async Task The_scrape_passes_promtool_and_holds_the_four_meters()
    {
        var scrape = await Scrape();

        // Risk's own families (meters "Risk" and "Risk.Gateway") without a single remark.
        var ours = Families(scrape, m => m.StartsWith("risk_"));
        var risk = await Promtool.Run(ours, "check", "metrics");
        Assert.True(risk.ExitCode == 0 && risk.Stdout.Trim() == "" && risk.Stderr.Trim() == "",
            $"promtool on Risk's series: exit {risk.ExitCode}\n{risk.Stdout}{risk.Stderr}\n---\n{ours}");

        // The whole scrape parses (exit 1 is a parse error, 3 lint only), and whatever promtool says is of others' series.
        var all = await Promtool.Run(scrape, "check", "metrics");
        Assert.True(all.ExitCode is 0 or 3, $"promtool could not read the scrape: exit {all.ExitCode}\n{all.Stderr}");
        var remarks = (all.Stdout + all.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var refused = remarks.Where(r => r.StartsWith("risk_") || !OthersLintAllowed.Any(r.Contains)).ToArray();
        Assert.True(refused.Length == 0, "promtool:\n" + string.Join('\n', refused));

        var lines = scrape.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("risk_events_accepted_total{") && Value(l) >= 1);
        Assert.Contains(lines, l => l.StartsWith("risk_events_rejected_total{") && l.Contains("field=\"ip\""));
        Assert.Contains(lines, l => l.StartsWith("risk_gateway_decisions_total{") && l.Contains("source=") && Value(l) >= 1);
        // Memory storage writes on deactivation only, so the account just posted holds unwritten changes.
        Assert.Contains(lines, l => l.StartsWith("risk_state_dirty{") && l.Contains("grain=\"account\"") && Value(l) >= 1);
        Assert.Contains(lines, l => l.StartsWith("orleans_consistent_ring_size{") && Value(l) == 1);
        Assert.Contains(lines, l => l.StartsWith("dotnet_gc_pause_time_seconds_total{"));
        Assert.Contains(lines, l => l.StartsWith("dotnet_process_cpu_time_seconds_total{"));
    }

    [Fact]
    public async Task Every_series_the_alert_rules_read_is_one_the_silo_exports()
    {
        var scrape = await Scrape();
        var exported = scrape.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('{', ' ')[0]).ToHashSet();
        // The expressions only: annotations name series too, in prose.
        var rules = await File.ReadAllLinesAsync(Path.Combine(Programs.Root, "deploy", "prometheus", "alerts.yml"));
        var expressions = string.Join('\n', Expressions(rules));
        var read = Regex.Matches(expressions, @"\b(?:risk|orleans|dotnet)_[a-z_]+\b").Select(m => m.Value).Distinct().ToArray();

        Assert.NotEmpty(read);
        var missing = read.Where(name => !exported.Contains(name) && !ExportedOnceItHappens.Contains(name)).ToArray();
        Assert.True(missing.Length == 0, "the rules read series the silo does not export: " + string.Join(", ", missing));
        Assert.All(ExportedOnceItHappens, name => Assert.Contains(name, read));
    }

    /// <summary>The lines of every rule's expr, single-line or block.</summary>
    private static IEnumerable<string> Expressions(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            if (!line.StartsWith("expr:")) continue;
            var indent = lines[i].Length - line.Length;
            yield return line;
            while (i + 1 < lines.Length && (lines[i + 1].Trim() == "" || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent)) yield return lines[++i];
        }
    }
}
