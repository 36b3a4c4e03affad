using System.CommandLine;
using Spectre.Console;

namespace Risk.Cli;

public static class ReplayCommand
{
    public static Command Create()
    {
        var events = new Option<FileInfo>("--events") { Description = "JSON Lines file of events", Required = true };
        var export = new Option<FileInfo?>("--export-accounts") { Description = "Write one JSON line per account seen to this file" };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object" };
        var batch = new Option<int>("--batch-size") { Description = "Events per ingest call", DefaultValueFactory = _ => 1000 };
        var command = new Command("replay", "Feed a JSON Lines file of events through the cluster, in file order, and wait until all are applied")
        {
            events, export, json, batch, Verb.Embedded,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => Verb.WithClient(parse, ct, async client =>
        {
            var file = parse.GetValue(events)!;
            if (!file.Exists) throw new ArgumentException($"no such file: {file.FullName}");
            // Against a cluster, a batch a silo's death caught is sent again (with ids, so it counts once); an embedded
            // silo lives and dies with this process.
            var replayer = new Replayer(client, Math.Max(1, parse.GetValue(batch)), parse.GetValue(Verb.Embedded) ? null : IngestRetryPolicy.Default);
            var summary = await WithProgress(p => replayer.Replay(file.FullName, p, ct));
            Report(summary, parse.GetValue(json));
            if (parse.GetValue(export) is { } exportFile)
            {
                var verdicts = await AccountExport.Write(client, summary.Accounts, exportFile.FullName, ct);
                var flagged = verdicts.Count(v => v.Decision.IsFlagged);
                await Console.Error.WriteLineAsync($"exported {verdicts.Count} accounts ({flagged} flagged) to {exportFile.FullName}");
            }
            return Verb.Ok;
        }));
        return command;
    }

    /// <summary>A progress bar on a terminal; nothing extra when output is redirected, so scripts read clean lines.</summary>
    internal static async Task<ReplaySummary> WithProgress(Func<IProgress<ReplayProgress>?, Task<ReplaySummary>> replay, string what = "")
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive) return await replay(null);
        ReplaySummary? summary = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape($"replaying events{what}"), maxValue: 1);
                summary = await replay(new Progress<ReplayProgress>(p =>
                {
                    task.Value = p.BytesTotal == 0 ? 1 : (double)p.BytesRead / p.BytesTotal;
                    task.Description = Markup.Escape($"replayed {p.Events:N0} events{what}");
                }));
                task.Value = 1;
            });
        return summary!;
    }

    private static void Report(ReplaySummary s, bool json)
    {
        foreach (var (line, reason) in s.Rejections.Take(20)) Console.Error.WriteLine($"line {line}: {reason}");
        if (s.Rejected > 20) Console.Error.WriteLine($"… and {s.Rejected - 20} more rejected lines");
        if (json)
        {
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                events = s.Events, accepted = s.Accepted, rejected = s.Rejected, accounts = s.Accounts.Count, retries = s.Retries, duplicates = s.Duplicates,
                seconds = Math.Round(s.Elapsed.TotalSeconds, 3), eventsPerSecond = Math.Round(s.EventsPerSecond),
            }, Wire.Json));
            return;
        }
        Console.WriteLine($"events {s.Events:N0}, accepted {s.Accepted:N0}, rejected {s.Rejected:N0}, accounts {s.Accounts.Count:N0}, " +
                          $"{s.EventsPerSecond:N0} events/s ({s.Elapsed.TotalSeconds:N1} s)" +
                          (s.Retries > 0 ? $"; {s.Retries:N0} sends retried, {s.Duplicates:N0} events found applied already" : ""));
    }
}
