using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Risk.Simulation;
using Spectre.Console;

namespace Risk.Cli;

public static class EvaluateCommand
{
    public static Command Create()
    {
        var events = new Option<FileInfo?>("--events") { Description = "JSON Lines file of events" };
        var labels = new Option<FileInfo?>("--labels") { Description = "labels.json written by `risk simulate`" };
        var json = new Option<bool>("--json") { Description = "Print the evaluation as one JSON object" };
        var export = new Option<FileInfo?>("--export-accounts") { Description = "Also write the per-account export (one file only)" };
        var worlds = new Option<int>("--worlds")
        {
            Description = "Instead of a file: simulate N worlds (seeds S, S+1, ...; every cohort, parameters drawn per seed) and "
                + "evaluate each in a fresh embedded silo; prints the median and the worst world per figure",
        };
        var seed = new Option<int>("--seed") { Description = "With --worlds: the first world's seed", DefaultValueFactory = _ => 1 };
        var scale = new Option<double>("--scale") { Description = "With --worlds: the worlds' scale", DefaultValueFactory = _ => 1.0 };
        var reference = new Option<bool>("--reference") { Description = "With --worlds: the reference recipe, not drawn parameters" };
        var reviews = new Option<bool>("--reviews")
        {
            Description = "Instead of traffic: measure past decisions against analysts' reviews (from the cluster, or --url/--key): "
                + "per action the share labelled fraud, the precision of flags, the share found benign",
        };
        var since = new Option<string?>("--since") { Description = "With --reviews: the first day (YYYY-MM-DD, UTC) of reviews read; 30 days back by default" };
        var command = new Command("evaluate", "Replay labelled traffic in an embedded silo and measure detection per cohort, or measure past decisions against reviews")
        {
            events, labels, json, export, worlds, seed, scale, reference, reviews, since, AdminTarget.Url, AdminTarget.Key,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var configArgs = parse.UnmatchedTokens.ToArray();
            if (parse.GetValue(reviews)) return await EvaluateReviews(parse, parse.GetValue(since), parse.GetValue(json), ct);
            if (parse.GetValue(worlds) is > 0 and var count)
            {
                var first = parse.GetValue(seed);
                var results = new List<(int, Evaluation)>();
                for (var world = first; world < first + count; world++)
                {
                    var dir = Directory.CreateTempSubdirectory("risk-world-").FullName;
                    try
                    {
                        Simulator.Write("all", dir, parse.GetValue(scale), world, recipe: SimulateCommand.RecipeFor("all", world, parse.GetValue(reference)));
                        await Console.Error.WriteLineAsync($"world {world - first + 1} of {count} (seed {world})");
                        results.Add((world, await EvaluateOne(Path.Combine(dir, "events.jsonl"), Labels.Read(Path.Combine(dir, "labels.json")), configArgs, null, ct)));
                    }
                    finally
                    {
                        Directory.Delete(dir, recursive: true);
                    }
                }
                var summary = WorldsSummary.Of(results);
                if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(summary, Wire.Json));
                else Print(summary);
                return Verb.Ok;
            }

            if (parse.GetValue(events) is not { } eventsFile || parse.GetValue(labels) is not { } labelsFile)
            {
                await Console.Error.WriteLineAsync("error: give --events FILE and --labels FILE, or --worlds N");
                return Verb.BadInput;
            }
            if (!eventsFile.Exists) { await Console.Error.WriteLineAsync($"error: no such file: {eventsFile.FullName}"); return Verb.BadInput; }
            if (!labelsFile.Exists) { await Console.Error.WriteLineAsync($"error: no such file: {labelsFile.FullName}"); return Verb.BadInput; }
            var result = await EvaluateOne(eventsFile.FullName, Labels.Read(labelsFile.FullName), configArgs, parse.GetValue(export), ct);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(result, Wire.Json));
            else Print(result);
            return Verb.Ok;
        });
        return command;
    }

    private static async Task<int> EvaluateReviews(ParseResult parse, string? since, bool json, CancellationToken ct)
    {
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-30);
        if (since is not null && !DateOnly.TryParseExact(since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out from))
        {
            await Console.Error.WriteLineAsync($"error: --since: '{since}' is not a day as YYYY-MM-DD");
            return Verb.BadInput;
        }
        return await AdminTarget.Run(parse, ct, async target =>
        {
            var precision = ReviewPrecision.Of(await target.Reviews(from));
            if (json) Console.WriteLine(JsonSerializer.Serialize(precision, Wire.Json));
            else Print(precision, from);
            return Verb.Ok;
        });
    }

    private static void Print(ReviewPrecision p, DateOnly since)
    {
        AnsiConsole.MarkupLineInterpolated($"{p.Reviews} reviews since {since:yyyy-MM-dd} ({p.OverridesSkipped} of decisions an override made, left out)");
        var table = new Table().AddColumns("decision reviewed", "reviews", "labelled fraud", "precision");
        foreach (var a in p.Actions.Append(p.Flagged))
            table.AddRow(a.Action, a.Reviewed.ToString(CultureInfo.InvariantCulture), a.Fraud.ToString(CultureInfo.InvariantCulture), a.Precision is { } r ? Percent(r) : "-");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"found benign: {p.Benign} ({(p.BenignShare is { } b ? Percent(b) : "-")})");
    }

    /// <summary>Replays one world into a fresh embedded silo and scores the accounts' outcomes against its labels.</summary>
    private static async Task<Evaluation> EvaluateOne(string eventsPath, Labels truth, string[] configArgs, FileInfo? export, CancellationToken ct)
    {
        using var host = await CliHost.Start(embedded: true, configArgs, ct);
        try
        {
            var client = host.Services.GetRequiredService<RiskClient>();
            var summary = await ReplayCommand.WithProgress(p => new Replayer(client).Replay(eventsPath, p, ct));
            await Console.Error.WriteLineAsync($"replayed {summary.Events:N0} events ({summary.Rejected:N0} rejected) at {summary.EventsPerSecond:N0} events/s");
            var verdicts = await AccountExport.Fetch(client, summary.Accounts, ct);
            if (export is not null) await AccountExport.Write(verdicts, export.FullName, ct);
            var outcomes = Outcomes(verdicts);
            return Evaluator.Score(outcomes, truth, await Evaluator.RequestsToFlag(eventsPath, outcomes, ct));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The verdicts as the evaluator reads them: what an export line says of each account.</summary>
    public static AccountOutcome[] Outcomes(IEnumerable<AccountVerdict> verdicts) =>
        verdicts.Select(v => new AccountOutcome(v.Account, Wire.Action(v.Decision.Action), v.Cluster, v.FirstFlaggedAt)).ToArray();

    private static void Print(Evaluation e)
    {
        var cohorts = new Table().AddColumns("cohort", "kind", "accounts", "flagged at the end", "flagged at any time", "median requests to flag", "throttled");
        foreach (var c in e.Cohorts)
            cohorts.AddRow(c.Cohort, c.Malicious ? "attack" : "benign", c.Accounts.ToString(), $"{c.Flagged} ({Percent(c.FlagRate)})",
                $"{c.FlaggedEver} ({Percent(c.FlaggedEverRate)})", c.MedianRequestsToFlag?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-", c.Throttled.ToString());
        AnsiConsole.Write(cohorts);
        AnsiConsole.MarkupLineInterpolated($"precision {Percent(e.Precision)} ({e.Flagged} flagged of {e.Accounts}); benign flagged at the end {Percent(e.BenignFlagRate)}, at any time {Percent(e.BenignFlaggedEverRate)}");
        AnsiConsole.MarkupLineInterpolated($"replacements flagged {e.ReplacementsFlagged} of {e.Replacements}, median requests to flag {e.ReplacementMedianRequests?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-"}");
        var clusters = new Table().AddColumns("campaign", "main cluster", "accounts in it", "campaign's in it", "purity", "coverage");
        foreach (var c in e.Campaigns)
            clusters.AddRow(c.Campaign, c.ClusterId ?? "-", c.ClusterAccounts.ToString(), $"{c.CampaignAccountsInCluster} of {c.CampaignAccounts}", Percent(c.Purity), Percent(c.Coverage));
        AnsiConsole.Write(clusters);
    }

    private static void Print(WorldsSummary s)
    {
        AnsiConsole.MarkupLineInterpolated($"{s.Seeds.Count} worlds, seeds {s.Seeds[0]} to {s.Seeds[^1]}: median and worst world");
        var cohorts = new Table().AddColumns("cohort", "measure", "median", "worst (seed)", "median requests to flag, median / worst");
        foreach (var c in s.Cohorts)
            cohorts.AddRow(c.Cohort, c.Measure, Percent(c.Rate.Median), $"{Percent(c.Rate.Worst)} ({c.Rate.WorstSeed})",
                c.MedianRequestsToFlag is { } r ? $"{r.Median:0.#} / {r.Worst:0.#} ({r.WorstSeed})" : "-");
        AnsiConsole.Write(cohorts);
        AnsiConsole.MarkupLineInterpolated($"benign flagged at any time: median {Percent(s.BenignFlaggedEver.Median)}, worst {Percent(s.BenignFlaggedEver.Worst)} (seed {s.BenignFlaggedEver.WorstSeed})");
        if (s.ReplacementMedianRequests is { } rep)
            AnsiConsole.MarkupLineInterpolated($"replacements, median requests to flag: median {rep.Median:0.#}, worst {rep.Worst:0.#} (seed {rep.WorstSeed})");
        var campaigns = new Table().AddColumns("campaign", "main cluster coverage, median / worst", "purity, median / worst");
        foreach (var c in s.Campaigns)
            campaigns.AddRow(c.Campaign, $"{Percent(c.Coverage.Median)} / {Percent(c.Coverage.Worst)} ({c.Coverage.WorstSeed})",
                $"{Percent(c.Purity.Median)} / {Percent(c.Purity.Worst)} ({c.Purity.WorstSeed})");
        AnsiConsole.Write(campaigns);
    }

    private static string Percent(double ratio) => ratio.ToString("P2", CultureInfo.InvariantCulture);
}
