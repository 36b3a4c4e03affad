using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>A small labelled world, simulated once for the class.</summary>
public sealed class BacktestWorld : IAsyncLifetime
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("risk-backtest-").FullName;
    public string Events => Path.Combine(Dir, "events.jsonl");
    public string Labels => Path.Combine(Dir, "labels.json");

    public string Candidate(string json)
    {
        var path = Path.Combine(Dir, $"candidate-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    public async Task InitializeAsync()
    {
        var sim = await Programs.Cli(["simulate", "--scenario", "demo", "--scale", "0.3", "--seed", "11", "--out", Dir]);
        if (sim.ExitCode != 0) throw new InvalidOperationException(sim.Stderr);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }
}

public class BacktestTests(BacktestWorld world) : IClassFixture<BacktestWorld>
{
    private static readonly string[] Flagged = ["challenge", "block"];

    [Fact]
    public async Task A_candidate_that_raises_the_lines_shows_each_account_it_would_let_go_and_what_that_costs_in_recall()
    {
        var candidate = world.Candidate("""{"set": {"threshold.challenge": 99, "threshold.block": 100}, "reason": "what if"}""");
        var run = await Programs.Cli(["backtest", "--events", world.Events, "--policy", candidate, "--labels", world.Labels, "--json"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var result = JsonDocument.Parse(run.Stdout).RootElement;

        var pairs = result.GetProperty("pairs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.True(result.GetProperty("changed").GetInt32() > 0);
        Assert.Equal(result.GetProperty("changed").GetInt32(), pairs.Values.Sum());
        foreach (var (pair, _) in pairs)
        {
            var (live, under) = (pair.Split("->")[0], pair.Split("->")[1]);
            Assert.Contains(live, Flagged);
            Assert.DoesNotContain(under, Flagged);
            Assert.NotEmpty(result.GetProperty("examples").GetProperty(pair).EnumerateArray());
        }
        var (before, after) = (result.GetProperty("live"), result.GetProperty("candidate"));
        Assert.Equal(before.GetProperty("flagged").GetInt32() - result.GetProperty("changed").GetInt32(), after.GetProperty("flagged").GetInt32());
        Assert.True(after.GetProperty("recall").GetDouble() < before.GetProperty("recall").GetDouble());
        Assert.InRange(before.GetProperty("precision").GetDouble(), 0.8, 1);
    }

    [Fact]
    public async Task A_candidate_that_changes_no_action_changes_no_account_and_the_text_says_so()
    {
        var candidate = world.Candidate("""{"set": {"throttle.retry_after_s": 45}}""");
        var run = await Programs.Cli(["backtest", "--events", world.Events, "--policy", candidate]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("changed: 0", run.Stdout);
        Assert.DoesNotContain("->", run.Stdout);
        Assert.DoesNotContain("precision", run.Stdout);
    }

    [Fact]
    public async Task A_candidate_that_only_a_replay_can_weigh_is_backtested_against_the_live_policy_given()
    {
        // What `risk policy show` prints is accepted as the live policy: here one that already challenges lower.
        var live = world.Candidate("""{"version": 9, "settings": {"threshold.challenge": 50}}""");
        var candidate = world.Candidate("""{"set": {"ramp.cot_elicitation.from": 0.9, "ramp.cot_elicitation.full": 1}}""");
        var run = await Programs.Cli(["backtest", "--events", world.Events, "--policy", candidate, "--live", live, "--labels", world.Labels]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Matches(@"changed: \d+", run.Stdout);
        Assert.Matches(@"live: \d+ flagged, precision [\d.]+ ?%, recall [\d.]+ ?%", run.Stdout);
        Assert.Matches(@"candidate: \d+ flagged, precision", run.Stdout);
    }

    [Fact]
    public async Task A_candidate_with_an_unknown_key_or_a_missing_file_is_bad_input()
    {
        var unknown = await Programs.Cli(["backtest", "--events", world.Events, "--policy", world.Candidate("""{"set": {"no.such.knob": 1}}""")]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown policy key 'no.such.knob'", unknown.Stderr);
        var missing = await Programs.Cli(["backtest", "--events", world.Events, "--policy", Path.Combine(world.Dir, "none.json")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such file", missing.Stderr);
        var shape = await Programs.Cli(["backtest", "--events", world.Events, "--policy", world.Candidate("""{"threshold.block": 90}""")]);
        Assert.Equal(2, shape.ExitCode);
        Assert.Contains("expected {\"set\"", shape.Stderr);
    }
}
