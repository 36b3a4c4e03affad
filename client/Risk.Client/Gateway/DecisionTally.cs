using Risk.Contracts;

namespace Risk.Client.Gateway;

/// <summary>
/// The decisions this gateway answered, per action and per <see cref="TallyBucket.Width"/> of wall time, until they are
/// reported (<see cref="IDecisionTallyGrain"/>). Counting is on every decision's path: one clock read and one interlocked
/// increment into the current bucket's counters, no allocation. A new bucket is opened under a lock, once per width.
/// </summary>
public sealed class DecisionTally(TimeProvider? time = null)
{
    private sealed class Slot(long start)
    {
        public readonly long Start = start;
        /// <summary>Indexed by <see cref="DecisionAction"/>.</summary>
        public readonly long[] Counts = new long[4];
    }

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private Slot _current = new(0);
    /// <summary>Buckets closed since the last report; kept for one report more, since a decision that read the slot just
    /// before it closed may count into it a moment after it was taken.</summary>
    private List<Slot> _closed = [];
    private List<Slot> _reported = [];
    /// <summary>Counts whose report failed, sent again with the next.</summary>
    private List<TallyBucket> _unsent = [];

    public void Count(DecisionAction action)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var start = now - now % TallyBucket.Width.Ticks;
        var slot = Volatile.Read(ref _current);
        if (slot.Start != start) slot = Open(start);
        Interlocked.Increment(ref slot.Counts[(int)action & 3]);
    }

    private Slot Open(long start)
    {
        lock (_lock)
        {
            var slot = _current;
            // Another thread opened it, or a clock stepped back: count into the open one rather than reopen the past.
            if (slot.Start >= start) return slot;
            var opened = new Slot(start);
            if (slot.Start != 0) _closed.Add(slot);
            Volatile.Write(ref _current, opened);
            return opened;
        }
    }

    /// <summary>What was counted since the last take, one bucket per start with any decision, oldest first.</summary>
    public IReadOnlyList<TallyBucket> Take()
    {
        lock (_lock)
        {
            var taken = new List<TallyBucket>(_unsent);
            _unsent = [];
            foreach (var slot in _reported) Drain(slot, taken);
            foreach (var slot in _closed) Drain(slot, taken);
            Drain(_current, taken);
            (_reported, _closed) = (_closed, []);
            return Merge(taken);
        }
    }

    /// <summary>Puts back counts whose report failed.</summary>
    public void Restore(IReadOnlyList<TallyBucket> buckets)
    {
        lock (_lock) _unsent = Merge([.. _unsent, .. buckets]);
    }

    private static void Drain(Slot slot, List<TallyBucket> into)
    {
        if (slot.Start == 0) return;
        var c = slot.Counts;
        var bucket = new TallyBucket(new DateTime(slot.Start, DateTimeKind.Utc),
            Interlocked.Exchange(ref c[0], 0), Interlocked.Exchange(ref c[1], 0), Interlocked.Exchange(ref c[2], 0), Interlocked.Exchange(ref c[3], 0));
        if (bucket.Total > 0) into.Add(bucket);
    }

    private static List<TallyBucket> Merge(IEnumerable<TallyBucket> buckets) =>
        [.. buckets.GroupBy(b => b.Start).OrderBy(g => g.Key).Select(g => new TallyBucket(g.Key,
            g.Sum(b => b.Allow), g.Sum(b => b.Throttle), g.Sum(b => b.Challenge), g.Sum(b => b.Block)))];
}
