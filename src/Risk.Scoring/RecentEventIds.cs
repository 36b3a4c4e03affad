using System.Runtime.InteropServices;

namespace Risk.Scoring;

/// <summary>What <see cref="RecentEventIds.Admit"/> says of an event that carries an id.</summary>
public enum EventIdCheck : byte
{
    /// <summary>Not seen before: apply it (its id is remembered now).</summary>
    New,
    /// <summary>Seen and applied already: a retry, not applied again.</summary>
    Duplicate,
    /// <summary>
    /// As old as ids this entity has forgotten: it may have been applied, so it is not applied again. A retry of it
    /// comes too late to be told apart from a first delivery.
    /// </summary>
    Forgotten,
}

/// <summary>
/// The ids of an entity's latest events, so that an event a gateway sends again with the same id (a retried batch,
/// or the part of one that came back "not applied") is applied once. A ring of the latest <c>capacity</c> ids in
/// arrival order, each a 32-bit fingerprint of the id and the event's time to the millisecond, in one byte array
/// (stored as one short string). Once the ring is full, each new id pushes out the oldest, and the
/// <see cref="HorizonMs"/> moves up to that one's time: an id'd event at or before the horizon might be one that was
/// forgotten, and is refused rather than risked twice.
/// </summary>
/// <remarks>
/// Times are kept as 32-bit milliseconds from <see cref="BaseMs"/>, which sits 24.8 days before the first event: a
/// span of 49.7 days. An event past it moves the base on, and ids older than the new base are forgotten like pushed
/// out ones. An event before the base is applied if new but not kept: the horizon moves to it.
/// <para>
/// A 32-bit fingerprint means a new id matches a remembered one by chance with odds of capacity in 2³² (one in 67
/// million for an account's 64): such an event counts as a duplicate and is not applied, a loss far below anything
/// a decayed counter can tell.
/// </para>
/// </remarks>
public sealed class RecentEventIds
{
    private const long HalfSpanMs = 1L << 31;
    private static readonly DateTime Epoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Ring entries: fingerprint in the high half, milliseconds after <see cref="BaseMs"/> in the low.</summary>
    public byte[] Entries { get; set; } = [];
    /// <summary>How many entries are in use; the array grows by doubling up to the capacity.</summary>
    public int Used { get; set; }
    /// <summary>Where the next id goes once the ring is full (until then, ids are appended).</summary>
    public int Next { get; set; }
    /// <summary>Milliseconds since 2000 that entries count from; set by the first id.</summary>
    public long BaseMs { get; set; } = long.MinValue;
    /// <summary>Milliseconds since 2000 of the newest id forgotten; −1 while none has been.</summary>
    public long HorizonMs { get; set; } = -1;

    /// <summary>Fingerprints of the ring, for entities that remember thousands; rebuilt after a load.</summary>
    private HashSet<uint>? _index;

    /// <summary>Forgets nothing, but treats every id'd event at or before <paramref name="at"/> as possibly seen:
    /// for an entity whose ids were not kept (a new activation) but whose counters already hold events up to then.</summary>
    public void ForgetUpTo(DateTime at) => HorizonMs = Math.Max(HorizonMs, Ms(at));

    /// <summary>
    /// The capacity to admit a batch of <paramref name="ids"/> id'd events with: the entity's <paramref name="capacity"/>,
    /// or the whole batch when that is more. A batch whose answer was lost (its gateway died after it was applied) comes
    /// again whole; were it larger than the ring, its first events would have pushed each other out, and the copy's
    /// would be refused as forgotten instead of found as duplicates. A ring grown for a large batch shrinks back to
    /// what the next batch needs, forgetting its oldest ids.
    /// </summary>
    public int Fit(int capacity, int ids)
    {
        var size = Math.Max(capacity, ids);
        if (Ring.Length > size) Keep(size);
        return size;
    }

    /// <summary>Whether to apply the event with id hash <paramref name="id"/> at <paramref name="ts"/>; remembers it if new.</summary>
    /// <param name="capacity">How many ids the entity keeps (see <see cref="Fit"/> for a batch).</param>
    public EventIdCheck Admit(ulong id, DateTime ts, int capacity)
    {
        var fingerprint = (uint)(id >> 32) ^ (uint)id;
        if (Contains(fingerprint, capacity)) return EventIdCheck.Duplicate;
        var ms = Ms(ts);
        if (ms <= HorizonMs) return EventIdCheck.Forgotten;
        if (BaseMs == long.MinValue) BaseMs = ms - HalfSpanMs;
        if (ms - BaseMs > uint.MaxValue) Rebase(ms - HalfSpanMs);
        if (ms < BaseMs)
        {
            // Too old to keep: applied, and anything as old is refused from now on.
            HorizonMs = ms;
            return EventIdCheck.New;
        }
        Add((ulong)fingerprint << 32 | (uint)(ms - BaseMs), capacity);
        return EventIdCheck.New;
    }

    private Span<ulong> Ring => MemoryMarshal.Cast<byte, ulong>(Entries.AsSpan())[..Math.Min(Used, Entries.Length / sizeof(ulong))];

    private void Add(ulong entry, int capacity)
    {
        var used = Ring.Length;
        if (used < capacity)
        {
            // A full ring grown for a larger batch: put it in arrival order first, so that the new ids go after the oldest.
            if (Next != 0) Keep(used);
            if (used == Entries.Length / sizeof(ulong))
            {
                var grown = new byte[Math.Min(capacity, Math.Max(4, used * 2)) * sizeof(ulong)];
                Entries.AsSpan(0, used * sizeof(ulong)).CopyTo(grown);
                Entries = grown;
            }
            MemoryMarshal.Cast<byte, ulong>(Entries.AsSpan())[used] = entry;
            Used = used + 1;
        }
        else
        {
            var ring = Ring;
            var slot = Next % used;
            Forget(ring[slot]);
            ring[slot] = entry;
            Next = (slot + 1) % used;
        }
        _index?.Add((uint)(entry >> 32));
    }

    private void Forget(ulong entry)
    {
        HorizonMs = Math.Max(HorizonMs, BaseMs + (uint)entry);
        _index?.Remove((uint)(entry >> 32));
    }

    /// <summary>Keeps the newest <paramref name="count"/> ids, in arrival order from the start of the ring; forgets the rest.</summary>
    private void Keep(int count)
    {
        var ring = Ring;
        var entries = new byte[Math.Min(count, ring.Length) * sizeof(ulong)];
        var kept = MemoryMarshal.Cast<byte, ulong>(entries.AsSpan());
        var drop = ring.Length - kept.Length;
        for (var i = 0; i < ring.Length; i++)
        {
            var entry = ring[(Next + i) % ring.Length];
            if (i < drop) Forget(entry);
            else kept[i - drop] = entry;
        }
        (Entries, Used, Next) = (entries, kept.Length, 0);
    }

    /// <summary>Moves the base on to <paramref name="baseMs"/>, forgetting the ids older than it; keeps the rest in arrival order.</summary>
    private void Rebase(long baseMs)
    {
        var ring = Ring;
        var kept = new List<ulong>(ring.Length);
        for (var i = 0; i < ring.Length; i++)
        {
            var entry = ring[(Next + i) % ring.Length];
            var at = BaseMs + (uint)entry;
            if (at < baseMs) Forget(entry);
            else kept.Add(entry & 0xFFFF_FFFF_0000_0000UL | (uint)(at - baseMs));
        }
        var entries = new byte[kept.Count * sizeof(ulong)];
        kept.ToArray().AsSpan().CopyTo(MemoryMarshal.Cast<byte, ulong>(entries.AsSpan()));
        (Entries, Used, Next, BaseMs) = (entries, kept.Count, 0, baseMs);
    }

    private bool Contains(uint fingerprint, int capacity)
    {
        var ring = Ring;
        // A scan is quicker than a set up to a few dozen; an IP or proxy keeps thousands.
        if (capacity <= 64)
        {
            foreach (var e in ring)
                if ((uint)(e >> 32) == fingerprint) return true;
            return false;
        }
        if (_index is null)
        {
            _index = new HashSet<uint>(ring.Length);
            foreach (var e in ring) _index.Add((uint)(e >> 32));
        }
        return _index.Contains(fingerprint);
    }

    private static long Ms(DateTime ts) => (long)(ts - Epoch).TotalMilliseconds;
}
