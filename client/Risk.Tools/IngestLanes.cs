using Risk.Client;
using Risk.Contracts;

namespace Risk.Tools;

/// <summary>
/// Sends a stream of events in batches over several lanes at once. An account's events always take the same
/// lane, and a lane sends one batch at a time, so each account's events are applied in the order given while
/// the lanes overlap. <see cref="Add"/> waits when its lane is backed up, so a producer cannot outrun the
/// cluster. One producer at a time.
/// </summary>
/// <remarks>
/// The bulk path: the bigger a lane's batch, the more events each account brings to its one grain call per
/// batch, and the fewer calls per event (docs/BENCHMARKS.md has the figures). A backfill whose accounts each have
/// few events in any short stretch of the stream passes a bigger <paramref name="batchSize"/>. The default stays
/// at 20,000 because a batch waits on every new entity's storage read, and on Azurite a much bigger batch
/// outlasted a call's limit once its table had grown.
/// The price of any big batch is that an event waits for it to fill; a live feed that must be scored within a
/// fraction of a second uses the gateway's reporter, which sends what it has every 200 ms.
/// </remarks>
public sealed class IngestLanes(RiskClient client, int lanes = 4, int batchSize = 20_000)
{
    private readonly Lane[] _lanes = Enumerable.Range(0, lanes).Select(_ => new Lane(batchSize)).ToArray();
    private long _accepted, _rejected;

    public long Accepted => Interlocked.Read(ref _accepted);
    public long Rejected => Interlocked.Read(ref _rejected);

    public ValueTask Add(RiskEvent e)
    {
        var lane = _lanes[(uint)e.Account.GetHashCode() % (uint)_lanes.Length];
        lane.Pending.Add(e);
        return lane.Pending.Count >= batchSize ? Flush(lane) : ValueTask.CompletedTask;
    }

    /// <summary>Sends what is buffered and waits for every batch in flight.</summary>
    public async Task Complete()
    {
        foreach (var lane in _lanes) await Flush(lane);
        foreach (var lane in _lanes) await lane.InFlight;
    }

    private async ValueTask Flush(Lane lane)
    {
        await lane.InFlight;
        if (lane.Pending.Count == 0) return;
        var batch = lane.Pending.ToArray();
        lane.Pending.Clear();
        lane.InFlight = Send(batch);
    }

    private async Task Send(RiskEvent[] batch)
    {
        var receipt = await client.Send(batch);
        Interlocked.Add(ref _accepted, receipt.Accepted);
        Interlocked.Add(ref _rejected, receipt.Rejections.Count);
    }

    private sealed class Lane(int batchSize)
    {
        public readonly List<RiskEvent> Pending = new(batchSize);
        public Task InFlight = Task.CompletedTask;
    }
}
