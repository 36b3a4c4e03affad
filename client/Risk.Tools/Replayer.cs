using System.Diagnostics;
using System.Text;
using Risk.Client;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Tools;

public sealed record ReplayProgress(long BytesRead, long BytesTotal, long Events);

/// <param name="Rejections">Line number (1-based) and reason, for the first <see cref="Replayer.MaxReportedRejections"/> refusals.</param>
public sealed record ReplaySummary(
    long Events,
    long Accepted,
    long Rejected,
    TimeSpan Elapsed,
    IReadOnlyList<(long Line, string Reason)> Rejections,
    IReadOnlyList<string> Accounts,
    long Retries = 0,
    long Duplicates = 0)
{
    public double EventsPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : Events / Elapsed.TotalSeconds;
}

/// <summary>
/// Feeds a JSON Lines file through the cluster in file order: batch k is applied before batch k+1 is sent,
/// while the next batch is parsed. Returns once every event has been applied.
/// </summary>
/// <param name="retry">
/// How a batch that did not arrive (a silo died, events came back "not applied") is sent again. Every event then
/// carries an id (its own, else one of this run's: a prefix and its line), so a batch sent twice counts once. Null
/// for none, and no ids: for a silo in this same process, which cannot fail apart from the replay.
/// </param>
public sealed class Replayer(RiskClient client, int batchSize = 1000, IngestRetryPolicy? retry = null)
{
    public const int MaxReportedRejections = 1000;

    public async Task<ReplaySummary> Replay(string path, IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        await using var file = File.OpenRead(path);
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var rejections = new List<(long, string)>();
        var accounts = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long lineNo = 0, events = 0, rejected = 0, retries = 0, duplicates = 0;
        var run = IngestRetries.NewSenderPrefix();
        var batch = new List<RiskEvent>(batchSize);
        var batchLines = new List<long>(batchSize);
        Task<(IngestReceipt Receipt, long[] Lines)>? inFlight = null;

        void Reject(long line, string reason)
        {
            rejected++;
            if (rejections.Count < MaxReportedRejections) rejections.Add((line, reason));
        }

        // The silo's refusals are counted here, between batches, never beside the reader's.
        async Task Settle()
        {
            if (inFlight is null) return;
            var (receipt, lines) = await inFlight;
            inFlight = null;
            duplicates += receipt.Duplicates;
            foreach (var r in receipt.Rejections) Reject(lines[r.Index], r.Reason);
        }

        async Task Flush()
        {
            await Settle();
            if (batch.Count == 0) return;
            var sent = batch.ToArray();
            var lines = batchLines.ToArray();
            batch.Clear();
            batchLines.Clear();
            inFlight = Send(sent, lines);
        }

        async Task<(IngestReceipt, long[])> Send(RiskEvent[] sent, long[] lines) => retry is null
            ? (await client.Send(sent), lines)
            : (await client.SendUntilApplied(sent, retry, (_, _, _) => Interlocked.Increment(ref retries), cancellationToken), lines);

        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            events++;
            var parsed = EventReader.Parse(Encoding.UTF8.GetBytes(line), DateTime.UtcNow);
            if (parsed.Event is null) { Reject(lineNo, parsed.Error!); continue; }
            if (seen.Add(parsed.Event.Account)) accounts.Add(parsed.Event.Account);
            batch.Add(retry is null ? parsed.Event : parsed.Event.WithId(run, lineNo));
            batchLines.Add(lineNo);
            if (batch.Count >= batchSize)
            {
                await Flush();
                progress?.Report(new ReplayProgress(file.Position, file.Length, events));
            }
        }
        await Flush();
        await Settle();
        progress?.Report(new ReplayProgress(file.Length, file.Length, events));
        // The reader's refusals are known at once, the silo's (a bad IP, say) when their batch returns.
        rejections.Sort((x, y) => x.Item1.CompareTo(y.Item1));
        return new ReplaySummary(events, events - rejected, rejected, clock.Elapsed, rejections, accounts, Interlocked.Read(ref retries), duplicates);
    }
}
