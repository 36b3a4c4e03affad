using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Risk.Simulation;

namespace Risk.Cli;

/// <summary>
/// `risk backtest`: replays events offline twice, each time into a fresh embedded silo, under the live policy and under
/// a candidate, and compares every account's standing at the end. Unlike a shadow policy, the candidate is applied
/// from the first event, so what it changes in the entities themselves (clusters, hubs, campaign memory) is in too.
/// </summary>
public static class BacktestCommand
{
    public static Command Create()
    {
        var events = new Option<FileInfo>("--events") { Description = "JSON Lines file of events", Required = true };
        var candidate = new Option<FileInfo>("--policy") { Description = "The candidate: the body of POST /v1/policy, over the live policy", Required = true };
        var live = new Option<FileInfo?>("--live")
        {
            Description = "The live policy (else the defaults): the body of POST /v1/policy, or what `risk policy show` prints",
        };
        var labels = new Option<FileInfo?>("--labels") { Description = "labels.json as `risk simulate` writes it: adds precision and recall under each" };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object" };
        var command = new Command("backtest", "Replay events in an embedded silo under the live policy and under a candidate, and count the accounts whose action changed")
        {
            events, candidate, live, labels, json,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var file = parse.GetValue(events)!;
                if (!file.Exists) throw new ArgumentException($"no such file: {file.FullName}");
                var liveSettings = parse.GetValue(live) is { } l ? PolicyFile.Read(l.FullName).Settings : new Dictionary<string, double>();
                var candidateSettings = new Dictionary<string, double>(liveSettings);
                foreach (var (key, value) in PolicyFile.Read(parse.GetValue(candidate)!.FullName).Settings) candidateSettings[key] = value;
                // Refused before two replays are started, not after the first.
                foreach (var (key, value) in candidateSettings)
                    if (PolicyCatalog.Check(key, value) is { } problem) throw new ArgumentException(problem);
                if (PolicyCatalog.CheckConsistency(candidateSettings) is { } inconsistent) throw new ArgumentException(inconsistent);
                var truth = parse.GetValue(labels) is { } labelsFile
                    ? labelsFile.Exists ? Labels.Read(labelsFile.FullName) : throw new ArgumentException($"no such file: {labelsFile.FullName}")
                    : null;
                var configArgs = parse.UnmatchedTokens.ToArray();
                var (summary, before) = await Replay(file.FullName, liveSettings, " under the live policy", configArgs, ct);
                var (_, after) = await Replay(file.FullName, candidateSettings, " under the candidate", configArgs, ct);
                var result = Backtest.Compare(summary, before, after, truth);
                if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(result, PolicyJson.Options));
                else Print(result);
                return Verb.Ok;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"error: {Verb.Message(e)}");
                return Verb.BadInput;
            }
        });
        return command;
    }

    /// <summary>One replay into a fresh embedded silo under <paramref name="settings"/> over the defaults; every account's standing at the end.</summary>
    private static async Task<(ReplaySummary, IReadOnlyList<AccountVerdict>)> Replay(string events, IReadOnlyDictionary<string, double> settings, string under,
        string[] configArgs, CancellationToken ct)
    {
        using var host = await CliHost.Start(embedded: true, configArgs, ct);
        try
        {
            var client = host.Services.GetRequiredService<RiskClient>();
            if (settings.Count > 0) await client.ChangePolicy(settings, "backtest", "risk backtest");
            var summary = await ReplayCommand.WithProgress(p => new Replayer(client).Replay(events, p, ct), under);
            await Console.Error.WriteLineAsync($"replayed {summary.Events:N0} events{under} ({summary.Rejected:N0} rejected)");
            return (summary, await AccountExport.Fetch(client, summary.Accounts, ct));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static void Print(Backtest result)
    {
        Console.WriteLine($"events {result.Events:N0}, accounts {result.Accounts:N0}");
        Console.WriteLine($"changed: {result.Changed}");
        foreach (var (pair, count) in result.Pairs) Console.WriteLine($"\"{pair}\": {count}");
        foreach (var (name, under) in new[] { ("live", result.Live), ("candidate", result.Candidate) })
            Console.WriteLine($"{name}: {under.Flagged} flagged" + (under.Precision is { } p ? $", precision {Percent(p)}, recall {Percent(under.Recall!.Value)}" : ""));
    }

    private static string Percent(double ratio) => ratio.ToString("P2", CultureInfo.InvariantCulture);
}

/// <summary>Accounts flagged (challenge or block) at the end under one policy; with labels, how right they were.</summary>
/// <param name="Precision">Of the labelled accounts flagged, the share labelled malicious; null without labels.</param>
/// <param name="Recall">Of the accounts labelled malicious, the share flagged; null without labels.</param>
public sealed record BacktestUnder(int Flagged, double? Precision, double? Recall);

/// <param name="Changed">Accounts whose action at the end differs under the candidate.</param>
/// <param name="Pairs">Those accounts per pair of actions, "live->candidate".</param>
/// <param name="Examples">A few of them per pair.</param>
public sealed record Backtest(long Events, int Accounts, int Changed, IReadOnlyDictionary<string, int> Pairs,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Examples, BacktestUnder Live, BacktestUnder Candidate)
{
    /// <summary>Both lists hold the same accounts in the same order: the replay's, in the order first seen.</summary>
    public static Backtest Compare(ReplaySummary summary, IReadOnlyList<AccountVerdict> live, IReadOnlyList<AccountVerdict> candidate, Labels? labels)
    {
        var changed = live.Zip(candidate)
            .Where(p => p.First.Decision.Action != p.Second.Decision.Action)
            .GroupBy(p => (p.First.Decision.Action, Candidate: p.Second.Decision.Action))
            .OrderBy(g => g.Key.Action).ThenBy(g => g.Key.Candidate)
            .ToArray();
        return new Backtest(summary.Events, live.Count, changed.Sum(g => g.Count()),
            changed.ToDictionary(g => PolicyJson.Pair(g.Key.Action, g.Key.Candidate), g => g.Count()),
            changed.ToDictionary(g => PolicyJson.Pair(g.Key.Action, g.Key.Candidate),
                g => (IReadOnlyList<string>)[.. g.Take(ShadowCounts.ExamplesPerPair).Select(p => p.First.Account)]),
            Under(live, labels), Under(candidate, labels));
    }

    private static BacktestUnder Under(IReadOnlyList<AccountVerdict> verdicts, Labels? labels)
    {
        var flagged = verdicts.Where(v => v.Decision.IsFlagged).Select(v => v.Account).ToArray();
        if (labels is null) return new BacktestUnder(flagged.Length, null, null);
        var labelled = flagged.Where(labels.Accounts.ContainsKey).ToArray();
        var caught = labelled.Count(a => labels.Accounts[a].Malicious);
        var malicious = labels.Accounts.Values.Count(a => a.Malicious);
        return new BacktestUnder(flagged.Length, Ratio(caught, labelled.Length), Ratio(caught, malicious));
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}
