using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Risk.Benchmarks;

/// <param name="Count">Pauses in the stretch.</param>
/// <param name="Share">Their total over the stretch's length.</param>
public sealed record GcPauses(int Count, double MedianMs, double MaxMs, double Share);

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
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private SiloGcPauses(int processId)
    {
        _session = new DiagnosticsClient(processId).StartEventPipeSession(
            new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
            requestRundown: false);
        _source = new EventPipeEventSource(_session.EventStream);
        double? suspended = null;
        _source.Clr.GCSuspendEEStart += e => suspended = e.TimeStampRelativeMSec;
        _source.Clr.GCRestartEEStop += e =>
        {
            if (suspended is { } at) lock (_pauses) _pauses.Add(e.TimeStampRelativeMSec - at);
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
            if (_pauses.Count == 0) return new GcPauses(0, 0, 0, 0);
            return new GcPauses(_pauses.Count, Stats.Median(_pauses), _pauses.Max(), _pauses.Sum() / 1000 / seconds);
        }
    }
}
