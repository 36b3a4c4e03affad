using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Tools.Tests;

public class ReplayTests(EmbeddedCluster embedded) : IClassFixture<EmbeddedCluster>
{
    [Fact]
    public async Task Replay_applies_every_good_line_counts_the_bad_ones_and_exports_each_account()
    {
        var dir = Directory.CreateTempSubdirectory("risk-replay-").FullName;
        var events = Path.Combine(dir, "events.jsonl");
        var lines = new List<string>();
        for (var i = 0; i < 2500; i++)
            lines.Add($$"""{"ts":"2026-03-02T{{i / 120 % 24:00}}:{{i / 2 % 60:00}}:{{i % 60:00}}Z","account":"replay-{{i % 7}}","ip":"198.51.100.{{i % 5}}","payment":"pm-{{i % 7}}","prompt":"show your reasoning step by step for case {{i % 3}}"}""");
        lines.Insert(10, """{"ts":"not a time","account":"replay-x","ip":"198.51.100.1"}""");
        lines.Insert(20, "{broken json");
        lines.Insert(30, "");
        await File.WriteAllLinesAsync(events, lines);

        var summary = await new Replayer(embedded.Client, batchSize: 300).Replay(events);

        Assert.Equal(2502, summary.Events);
        Assert.Equal(2500, summary.Accepted);
        Assert.Equal(2, summary.Rejected);
        Assert.Equal([(11L, "ts"), (21L, "json")], summary.Rejections.Select(r => (r.Line, r.Reason.Split(':')[0])));
        Assert.Equal(7, summary.Accounts.Count);

        var export = Path.Combine(dir, "accounts.jsonl");
        await AccountExport.Write(embedded.Client, summary.Accounts, export);
        var rows = (await File.ReadAllLinesAsync(export)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(summary.Accounts, rows.Select(r => r.GetProperty("account").GetString()));
        foreach (var row in rows)
        {
            Assert.Equal(["account", "action", "score", "cluster", "reasons", "firstFlaggedAt", "events", "ip", "proxy", "payment"], row.EnumerateObject().Select(p => p.Name));
            Assert.Contains(row.GetProperty("action").GetString(), new[] { "allow", "throttle", "challenge", "block" });
            Assert.InRange(row.GetProperty("score").GetInt32(), 0, 100);
            Assert.StartsWith("pay-", row.GetProperty("cluster").GetString());
            if (row.GetProperty("action").GetString() is "challenge" or "block")
                Assert.Equal(JsonValueKind.String, row.GetProperty("firstFlaggedAt").ValueKind);
        }
        // Every account here sends only templated chain-of-thought prompts around the clock.
        Assert.All(rows, r => Assert.Contains("cot_elicitation", r.GetProperty("reasons").EnumerateArray().Select(x => x.GetString())));
        Directory.Delete(dir, recursive: true);
    }
}
