using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Risk.Benchmarks;

/// <param name="Count">Pauses in the stretch.</param>
/// <param name="Share">Their total over the stretch's length.</param>
/// <param name="ByGeneration">How many pauses collected each generation, and their median.</param>
public sealed record GcPauses(int Count, double MedianMs, double MaxMs, double Share, string ByGeneration);

/// <summary>
/// A silo's GC pauses over a stretch of a run, read from its runtime's events through EventPipe, as dotnet-trace
/// reads them: a pause lasts from the runtime suspending managed threads to resuming them. A decision
/// that arrives in a pause waits for it, so a run shows what its latencies carry.
/// </summary>
public sealed class SiloGcPauses
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _reading;
    private readonly List<double> _pauses = [];
    /// <summary>The generation each pause collected (-1: a suspension with no collection in it, as a background GC's last).</summary>
    private readonly List<int> _depths = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private SiloGcPauses(int processId)
    {
        _session = new DiagnosticsClient(processId).StartEventPipeSession(
            new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
            requestRundown: false);
        _source = new EventPipeEventSource(_session.EventStream);
        double? suspended = null;
        var depth = -1;
        _source.Clr.GCSuspendEEStart += e => (suspended, depth) = (e.TimeStampRelativeMSec, -1);
        _source.Clr.GCStart += e => depth = Math.Max(depth, e.Depth);
        _source.Clr.GCRestartEEStop += e =>
        {
            if (suspended is { } at) lock (_pauses) { _pauses.Add(e.TimeStampRelativeMSec - at); _depths.Add(depth); }
            suspended = null;
        };
        // Process blocks until the session stops: a thread of its own, not one of the pool's few (two on two
        // cores), which the client measuring decisions needs.
        _reading = Task.Factory.StartNew(_source.Process, TaskCreationOptions.LongRunning);
    }

    public static SiloGcPauses Watch(SiloProcess silo) => new(silo.ProcessId);

    public async Task<GcPauses> Stop()
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        await _session.StopAsync(CancellationToken.None);
        await _reading;
        _source.Dispose();
        _session.Dispose();
        lock (_pauses)
        {
            if (_pauses.Count == 0) return new GcPauses(0, 0, 0, 0, "");
            var byGeneration = string.Join(", ", _pauses.Zip(_depths).GroupBy(p => p.Second).OrderBy(g => g.Key)
                .Select(g => $"{(g.Key < 0 ? "no collection" : $"gen{g.Key}")}: {g.Count()}, median {Stats.Median([.. g.Select(p => p.First)]):F1} ms"));
            return new GcPauses(_pauses.Count, Stats.Median(_pauses), _pauses.Max(), _pauses.Sum() / 1000 / seconds, byGeneration);
        }
    }
}
