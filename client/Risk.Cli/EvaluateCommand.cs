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
        var events = new Option<FileInfo>("--events") { Description = "JSON Lines file of events", Required = true };
        var labels = new Option<FileInfo>("--labels") { Description = "labels.json written by `risk simulate`", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the evaluation as one JSON object" };
        var export = new Option<FileInfo?>("--export-accounts") { Description = "Also write the per-account export" };
        var command = new Command("evaluate", "Replay labelled traffic in an embedded silo and measure detection per cohort")
        {
            events, labels, json, export,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var eventsFile = parse.GetValue(events)!;
            var labelsFile = parse.GetValue(labels)!;
            if (!eventsFile.Exists) { await Console.Error.WriteLineAsync($"error: no such file: {eventsFile.FullName}"); return Verb.BadInput; }
            if (!labelsFile.Exists) { await Console.Error.WriteLineAsync($"error: no such file: {labelsFile.FullName}"); return Verb.BadInput; }
            var truth = Labels.Read(labelsFile.FullName);
            using var host = await CliHost.Start(embedded: true, parse.UnmatchedTokens.ToArray(), ct);
            try
            {
                var client = host.Services.GetRequiredService<RiskClient>();
                var summary = await ReplayCommand.WithProgress(p => new Replayer(client).Replay(eventsFile.FullName, p, ct));
                await Console.Error.WriteLineAsync($"replayed {summary.Events:N0} events ({summary.Rejected:N0} rejected) at {summary.EventsPerSecond:N0} events/s");
                var verdicts = await AccountExport.Fetch(client, summary.Accounts, ct);
                if (parse.GetValue(export) is { } exportFile) await AccountExport.Write(verdicts, exportFile.FullName, ct);
                var outcomes = Outcomes(verdicts);
                var result = Evaluator.Score(outcomes, truth, await Evaluator.RequestsToFlag(eventsFile.FullName, outcomes, ct));
                if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(result, Wire.Json));
                else Print(result);
                return Verb.Ok;
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        });
        return command;
    }

    /// <summary>The verdicts as the evaluator reads them: what an export line says of each account.</summary>
    public static AccountOutcome[] Outcomes(IEnumerable<AccountVerdict> verdicts) =>
        verdicts.Select(v => new AccountOutcome(v.Account, Wire.Action(v.Decision.Action), v.Cluster, v.FirstFlaggedAt)).ToArray();

    private static void Print(Evaluation e)
    {
        var cohorts = new Table().AddColumns("cohort", "kind", "accounts", "flagged", "recall / flag rate", "median requests to flag", "throttled");
        foreach (var c in e.Cohorts)
            cohorts.AddRow(c.Cohort, c.Malicious ? "attack" : "benign", c.Accounts.ToString(), c.Flagged.ToString(),
                Percent(c.FlagRate), c.MedianRequestsToFlag?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-", c.Throttled.ToString());
        AnsiConsole.Write(cohorts);
        AnsiConsole.MarkupLineInterpolated($"precision {Percent(e.Precision)} ({e.Flagged} flagged of {e.Accounts}); benign flagged {Percent(e.BenignFlagRate)}");
        AnsiConsole.MarkupLineInterpolated($"replacements flagged {e.ReplacementsFlagged} of {e.Replacements}, median requests to flag {e.ReplacementMedianRequests?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-"}");
        var clusters = new Table().AddColumns("campaign", "main cluster", "accounts in it", "campaign's in it", "purity", "coverage");
        foreach (var c in e.Campaigns)
            clusters.AddRow(c.Campaign, c.ClusterId ?? "-", c.ClusterAccounts.ToString(), $"{c.CampaignAccountsInCluster} of {c.CampaignAccounts}", Percent(c.Purity), Percent(c.Coverage));
        AnsiConsole.Write(clusters);
    }

    private static string Percent(double ratio) => ratio.ToString("P2", CultureInfo.InvariantCulture);
}
