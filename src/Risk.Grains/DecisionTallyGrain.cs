using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Grains;

public sealed class DecisionTallyState
{
    /// <summary>Oldest first, one per bucket start; bounded by <see cref="IDecisionTallyGrain.Kept"/> of buckets.</summary>
    public List<TallyBucket> Buckets { get; set; } = [];
}

/// <summary>
/// The sum of the decisions every gateway counted, per bucket of wall time. Gateways report every few seconds, so it is
/// written behind like the shadow report: a count, not an operator's action. Should another activation have stored in
/// between, the reports this one took are added onto that record, so neither's counts are lost.
/// </summary>
public sealed class DecisionTallyGrain(
    [PersistentState("tally", RiskGrainOptions.StorageName)] IPersistentState<DecisionTallyState> state,
    IOptions<RiskGrainOptions> options,
    TimeProvider? time = null) : WriteBehindGrain<DecisionTallyState>(state, options), IDecisionTallyGrain
{
    private DateTime Now => (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;

    public Task Add(IReadOnlyList<TallyBucket> buckets)
    {
        var now = Now;
        AddTo(State, buckets, now);
        Unstored(stored => AddTo(stored, buckets, now));
        MarkDirty();
        return Task.CompletedTask;
    }

    /// <summary>Adds each bucket onto the one of the same start, in order; drops what is older than kept.</summary>
    private static void AddTo(DecisionTallyState into, IReadOnlyList<TallyBucket> buckets, DateTime now)
    {
        var list = into.Buckets;
        var oldest = now - IDecisionTallyGrain.Kept;
        foreach (var b in buckets)
        {
            // A gateway's clock ahead of the silo's by more than a bucket is not believed: it would hold a slot for days.
            if (b.Start < oldest || b.Start > now + TallyBucket.Width || b.Total <= 0) continue;
            var start = TallyBucket.StartOf(b.Start);
            var at = list.FindLastIndex(x => x.Start <= start);
            if (at >= 0 && list[at].Start == start)
                list[at] = list[at] with
                {
                    Allow = list[at].Allow + b.Allow, Throttle = list[at].Throttle + b.Throttle,
                    Challenge = list[at].Challenge + b.Challenge, Block = list[at].Block + b.Block,
                };
            else list.Insert(at + 1, b with { Start = start });
        }
        var drop = list.FindIndex(x => x.Start >= oldest);
        list.RemoveRange(0, drop < 0 ? list.Count : drop);
    }

    protected override DecisionTallyState Reconcile(DecisionTallyState stored, DecisionTallyState mine)
    {
        ApplyUnstored(stored);
        return stored;
    }

    public Task<IReadOnlyList<TallyBucket>> Get(TimeSpan window)
    {
        var from = Now - window;
        return Task.FromResult<IReadOnlyList<TallyBucket>>([.. State.Buckets.Where(b => b.Start >= from && b.Total > 0)]);
    }
}
