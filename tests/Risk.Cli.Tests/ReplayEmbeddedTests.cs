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
            Assert.Equal(action is "challenge" or "block", row.GetProperty("firstFlaggedAt").ValueKind == JsonValueKind.String);
            Assert.True(row.GetProperty("cluster").ValueKind is JsonValueKind.String or JsonValueKind.Null);
        }
        // The demo holds attacks: some of them must be flagged, and flagged accounts must mostly be attackers.
        var flagged = rows.Where(r => r.GetProperty("action").GetString() is "challenge" or "block").Select(r => r.GetProperty("account").GetString()!).ToArray();
        Assert.NotEmpty(flagged);
        Assert.True(flagged.Count(a => labelled[a]) >= flagged.Length * 0.8, $"{flagged.Count(a => !labelled[a])} of {flagged.Length} flagged accounts are benign");
        Directory.Delete(dir, recursive: true);
    }
}
