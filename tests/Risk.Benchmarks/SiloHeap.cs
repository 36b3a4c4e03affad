using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Risk.Benchmarks;

/// <summary>
/// What a silo's managed heap holds alive, read from its runtime's GC events over EventPipe after a full collection:
/// the bytes that collection kept. RSS cannot say it, since a GC keeps the memory it freed for the next allocations.
/// </summary>
public static class SiloHeap
{
    public static async Task<long> AfterFullGc(SiloProcess silo)
    {
        using var session = new DiagnosticsClient(silo.ProcessId).StartEventPipeSession(
            new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
            requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var induced = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inducedGc = false;
        source.Clr.GCStart += e => inducedGc |= e.Depth == 2 && e.Reason is GCReason.Induced or GCReason.InducedNotForced;
        source.Clr.GCHeapStats += e =>
        {
            // What the collection kept, every generation's survivors: the heap's size would count its free space too.
            if (inducedGc) induced.TrySetResult(e.TotalPromoted);
        };
        var reading = Task.Factory.StartNew(source.Process, TaskCreationOptions.LongRunning);
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceGarbageCollection([.. (await management.GetHosts(onlyActive: true)).Keys.Where(s => s.Endpoint.Port == silo.SiloPort)]);
        var bytes = await induced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await session.StopAsync(CancellationToken.None);
        await reading;
        return bytes;
    }
}
