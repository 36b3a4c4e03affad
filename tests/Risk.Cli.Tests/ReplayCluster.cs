using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>
/// A cluster of its own on Azurite (Azure Table clustering, on loopback) and simulated traffic to replay into it: what
/// the tests that kill, add and remove silo processes during a replay share.
/// </summary>
/// <param name="Silo">The arguments of each of its silo processes.</param>
/// <param name="Client">The arguments that point `risk` at it.</param>
internal sealed record ReplayCluster(string[] Silo, string[] Client)
{
    public static ReplayCluster New(string prefix, params string[] siloArgs)
    {
        var id = prefix + Guid.NewGuid().ToString("N")[..8];
        return new(
            ["--storage", "azurite", "--clustering", "azure", "--Risk:ClusterId", id, "--Risk:ServiceId", id,
                "--Risk:TableName", Azurite.NewTableName(), "--advertise", "127.0.0.1", .. siloArgs],
            ["--Risk:Clustering", "azure", "--Risk:ClusterId", id, "--Risk:ServiceId", id]);
    }

    /// <summary>The demo's traffic at <paramref name="scale"/>, written to <paramref name="dir"/>: the file and each account's event count.</summary>
    public static async Task<(string Events, Dictionary<string, long> PerAccount)> Simulate(string dir, int scale, int seed)
    {
        var simulated = await Programs.Cli(["simulate", "--scenario", "demo", "--scale", $"{scale}", "--seed", $"{seed}", "--out", dir]);
        Assert.True(simulated.ExitCode == 0, simulated.Stderr);
        var events = Path.Combine(dir, "events.jsonl");
        return (events, File.ReadLines(events).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("account").GetString()!)
            .GroupBy(a => a).ToDictionary(g => g.Key, g => (long)g.Count()));
    }

    /// <summary>
    /// The lines of an account export, checked to hold every account, and the events the accounts' counters miss
    /// against what was sent: counter state lost with a silo.
    /// </summary>
    public static (JsonElement[] Verdicts, long Lost) Compare(string export, Dictionary<string, long> perAccount)
    {
        var verdicts = File.ReadLines(export).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(perAccount.Count, verdicts.Length);
        return (verdicts, verdicts.Sum(v => Math.Max(0, perAccount[v.GetProperty("account").GetString()!] - v.GetProperty("events").GetInt64())));
    }
}
