using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

public class ReplayEmbeddedTests
{
    [Fact]
    public async Task Replay_embedded_on_a_generated_file_writes_one_export_line_per_account()
    {
        var dir = Directory.CreateTempSubdirectory("risk-cli-").FullName;
        var sim = await Programs.Cli(["simulate", "--scenario", "demo", "--scale", "0.3", "--seed", "11", "--out", dir]);
        Assert.True(sim.ExitCode == 0, sim.Stderr);
        var labels = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "labels.json"))).RootElement;
        var labelled = labels.GetProperty("accounts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("malicious").GetBoolean());

        var export = Path.Combine(dir, "accounts.jsonl");
        var replay = await Programs.Cli(["replay", "--embedded", "--events", Path.Combine(dir, "events.jsonl"), "--export-accounts", export, "--json"]);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var summary = JsonDocument.Parse(replay.Stdout.Trim().Split('\n')[^1]).RootElement;
        var eventLines = File.ReadLines(Path.Combine(dir, "events.jsonl")).Count();
        Assert.Equal(eventLines, summary.GetProperty("events").GetInt64());
        Assert.Equal(0, summary.GetProperty("rejected").GetInt64());

        var rows = File.ReadAllLines(export).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(labelled.Count, rows.Length);
        Assert.Equal(labelled.Keys.Order(), rows.Select(r => r.GetProperty("account").GetString()!).Order());
        foreach (var row in rows)
        {
            var action = row.GetProperty("action").GetString();
            Assert.Contains(action, new[] { "allow", "throttle", "challenge", "block" });
            // Flagged now implies a first-flag time; an account may also have been flagged once and recovered since.
            if (action is "challenge" or "block") Assert.Equal(JsonValueKind.String, row.GetProperty("firstFlaggedAt").ValueKind);
            Assert.True(row.GetProperty("cluster").ValueKind is JsonValueKind.String or JsonValueKind.Null);
        }
        // The demo holds attacks: some of them must be flagged, and flagged accounts must mostly be attackers.
        var flagged = rows.Where(r => r.GetProperty("action").GetString() is "challenge" or "block").Select(r => r.GetProperty("account").GetString()!).ToArray();
        Assert.NotEmpty(flagged);
        Assert.True(flagged.Count(a => labelled[a]) >= flagged.Length * 0.8, $"{flagged.Count(a => !labelled[a])} of {flagged.Length} flagged accounts are benign");
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Without_a_cluster_a_command_fails_fast_with_a_clear_error()
    {
        var started = DateTime.UtcNow;
        var run = await Programs.Cli(TimeSpan.FromSeconds(60), ["decide", "--account", "a", "--Risk:GatewayPort", Programs.FreePort().ToString()]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot reach the Risk cluster", run.Stderr);
        Assert.Equal("", run.Stdout);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task Replay_reports_refused_lines_with_their_numbers_and_applies_the_rest()
    {
        var dir = Directory.CreateTempSubdirectory("risk-cli-bad-").FullName;
        var events = Path.Combine(dir, "events.jsonl");
        await File.WriteAllLinesAsync(events,
        [
            """{"ts":"2026-03-02T10:00:00Z","account":"good-1","ip":"198.51.100.1"}""",
            """{"ts":"2026-03-02T10:00:01Z","account":"bad-ip","ip":"300.1.1.1"}""",
            "not json at all",
            """{"ts":"2126-03-02T10:00:00Z","account":"future","ip":"198.51.100.1"}""",
            """{"ts":"2026-03-02T10:00:02Z","account":"good-2","ip":"::1","asn":"AS64500"}""",
            """{"ts":"2026-03-02T10:00:03Z","account":"good-2","ip":"::1"}""",
        ]);
        var run = await Programs.Cli(["replay", "--embedded", "--json", "--events", events]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var summary = JsonDocument.Parse(run.Stdout.Trim()).RootElement;
        Assert.Equal(6, summary.GetProperty("events").GetInt64());
        Assert.Equal(2, summary.GetProperty("accepted").GetInt64());
        Assert.Equal(4, summary.GetProperty("rejected").GetInt64());
        Assert.Contains("line 2: ip:", run.Stderr);
        Assert.Contains("line 3: json:", run.Stderr);
        Assert.Contains("line 4: ts:", run.Stderr);
        Assert.Contains("line 5: asn:", run.Stderr);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Explain_shows_an_accounts_signals_and_what_each_contributed()
    {
        var dir = Directory.CreateTempSubdirectory("risk-cli-explain-").FullName;
        var events = Path.Combine(dir, "events.jsonl");
        await File.WriteAllLinesAsync(events, Enumerable.Range(0, 60).Select(i =>
            $$"""{"ts":"2026-03-02T10:{{i:00}}:00Z","account":"explain-me","ip":"203.0.113.9","payment":"pm-x","prompt":"Think step by step and show your reasoning for puzzle {{i % 3}}","inTokens":40,"outTokens":900}"""));
        var run = await Programs.Cli(["explain", "explain-me", "--embedded", "--events", events, "--json"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var x = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal("explain-me", x.GetProperty("verdict").GetProperty("account").GetString());
        Assert.Equal(60, x.GetProperty("signals").GetProperty("events").GetInt64());
        Assert.True(x.GetProperty("signals").GetProperty("cotShare").GetDouble() > 0.9);
        var own = x.GetProperty("own").GetProperty("reasons").EnumerateArray().ToDictionary(r => r.GetProperty("code").GetString()!, r => r.GetProperty("points").GetDouble());
        Assert.True(own["cot_elicitation"] > 0);
        Assert.StartsWith("pay-", x.GetProperty("cluster").GetProperty("clusterId").GetString());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Evaluate_over_drawn_worlds_reports_the_median_and_the_worst_world_per_cohort()
    {
        var run = await Programs.Cli(["evaluate", "--worlds", "2", "--seed", "21", "--scale", "0.05", "--json"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var summary = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal([21, 22], summary.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(2, summary.GetProperty("perWorld").GetArrayLength());
        var cohorts = summary.GetProperty("cohorts").EnumerateArray().ToDictionary(c => c.GetProperty("cohort").GetString()!);
        // Every drawn world brings the same-week bootcamp, and benign cohorts are judged by who was flagged at any time.
        Assert.Equal("flagged at any time", cohorts["bootcamp"].GetProperty("measure").GetString());
        Assert.Equal("flagged at the end", cohorts["hydra"].GetProperty("measure").GetString());
        var hydra = cohorts["hydra"].GetProperty("rate");
        Assert.InRange(hydra.GetProperty("worst").GetDouble(), 0, hydra.GetProperty("median").GetDouble());
        Assert.Contains(hydra.GetProperty("worstSeed").GetInt32(), new[] { 21, 22 });
    }
}
