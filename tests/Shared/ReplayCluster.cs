using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Risk.Tests.Shared;

/// <summary>
/// A cluster of its own on Azurite (Azure Table clustering, on loopback) and simulated traffic to replay into it, with
/// what the tests and the benchmark that kill, add and remove silo processes during a replay measure.
/// </summary>
/// <param name="Silo">The arguments of each of its silo processes.</param>
/// <param name="Client">The arguments that point `risk` at it.</param>
internal sealed record ReplayCluster(string[] Silo, string[] Client)
{
    /// <summary>A cluster id, service id and table of its own, on the Azurite <see cref="AzuriteProcess"/> uses (start it first).</summary>
    public static ReplayCluster New(string prefix, params string[] siloArgs)
    {
        var id = prefix + Guid.NewGuid().ToString("N")[..8];
        var azurite = AzuriteProcess.ConnectionString;
        return new(
            ["--storage", "azurite", "--clustering", "azure", "--Risk:AzureConnectionString", azurite, "--Risk:ClusterId", id, "--Risk:ServiceId", id,
                "--Risk:TableName", AzuriteProcess.NewTableName(), "--advertise", "127.0.0.1", .. siloArgs],
            ["--Risk:Clustering", "azure", "--Risk:AzureConnectionString", azurite, "--Risk:ClusterId", id, "--Risk:ServiceId", id]);
    }

    /// <summary>The demo's traffic at <paramref name="scale"/>, written to <paramref name="dir"/>: the file and each account's event count.</summary>
    public static async Task<(string Events, Dictionary<string, long> PerAccount)> Simulate(string dir, double scale, int seed)
    {
        var simulated = await Programs.Cli(["simulate", "--scenario", "demo", "--scale", scale.ToString(CultureInfo.InvariantCulture), "--seed", $"{seed}", "--out", dir]);
        if (simulated.ExitCode != 0) throw new InvalidOperationException("risk simulate failed: " + simulated.Stderr);
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
        if (verdicts.Length != perAccount.Count)
            throw new InvalidOperationException($"the export holds {verdicts.Length} accounts of the {perAccount.Count} replayed");
        return (verdicts, verdicts.Sum(v => Math.Max(0, perAccount[v.GetProperty("account").GetString()!] - v.GetProperty("events").GetInt64())));
    }

    /// <summary>
    /// How long after <paramref name="since"/> began every account got a decision from <paramref name="silo"/>'s HTTP
    /// API that the fail mode did not make: failover as a gateway sees it, since until then some of them lived on a
    /// dead silo. Gives up after three minutes.
    /// </summary>
    public static async Task<TimeSpan> EveryAccountDecided(Uri silo, IEnumerable<string> accounts, Stopwatch since)
    {
        using var http = new HttpClient { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(30) };
        var pending = new HashSet<string>(accounts);
        while (pending.Count > 0 && since.Elapsed < TimeSpan.FromMinutes(3))
        {
            foreach (var account in pending.ToArray())
            {
                var decision = await http.GetStringAsync($"/v1/decision?account={Uri.EscapeDataString(account)}");
                if (!decision.Contains("risk_unavailable", StringComparison.Ordinal)) pending.Remove(account);
            }
            if (pending.Count > 0) await Task.Delay(500);
        }
        return since.Elapsed;
    }

    /// <summary>The events a silo has applied since it started, from its /metrics (risk_events_accepted_total, over its tags).</summary>
    public static async Task<long> AcceptedEvents(HttpClient http, Uri silo, CancellationToken ct = default)
    {
        return (long)MetricsText.Sum(await http.GetStringAsync(new Uri(silo, "/metrics"), ct), "risk_events_accepted_total");
    }
}
