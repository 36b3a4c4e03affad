using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Grains;

/// <summary>A shard's filter as of its last snapshot.</summary>
public sealed class StoredKeysState
{
    public byte[]? Bits { get; set; }
}

/// <summary>The keys a shard has stored since its snapshot: their hashes, 8 bytes each, in the machine's (little-endian) order.</summary>
public sealed class RecentKeysState
{
    public byte[]? Hashes { get; set; }
}

/// <summary>
/// Keeps its shard of the filter in memory and stores new keys at most once per <see cref="SkipAbsentReads.FlushDelay"/>,
/// so the keys of a burst of new entities cost one write together. Reentrant: callers waiting for a write do not
/// hold up the claims of others.
/// </summary>
/// <remarks>
/// While new entities arrive, every shard has new keys every second, and writing each shard's whole 64 KB filter
/// every second cost a silo on storage a large share of its ingest. So a write stores only the keys added since the
/// snapshot, in a row of their own, and the snapshot is written again only once <see cref="RecentLimit"/> of them
/// have gathered (then the recent row starts over). Activation reads both rows.
/// </remarks>
[Reentrant]
public sealed partial class StoredKeysGrain(
    [PersistentState("keys", SkipAbsentReads.Storage)] IPersistentState<StoredKeysState> snapshot,
    [PersistentState("recent-keys", SkipAbsentReads.Storage)] IPersistentState<RecentKeysState> recent,
    ILogger<StoredKeysGrain> log) : Grain, IStoredKeysGrain
{
    /// <summary>Keys stored since the snapshot before the snapshot is written again (8 KB of them).</summary>
    public const int RecentLimit = 1024;

    /// <summary>
    /// Added keys a shard remembers for copies of its filter (128 KB; 8 MB over 64 shards, as much as the filters): a
    /// copy further behind is sent the whole shard, which a second's refresh is only when a million new keys a second arrive.
    /// </summary>
    public const int LogLimit = 16_384;

    /// <summary>Every key added, stored or not.</summary>
    private KeyFilter _all = null!;
    /// <summary>The keys as last stored: the snapshot and the recent row.</summary>
    private KeyFilter _stored = null!;
    /// <summary>The recent row's keys, as stored.</summary>
    private List<ulong> _recent = [];
    /// <summary>Keys added since the last write began.</summary>
    private HashSet<ulong> _added = [];
    /// <summary>The next write, which carries every key added since the last one began.</summary>
    private TaskCompletionSource? _next;
    private Task _writes = Task.CompletedTask;
    /// <summary>This activation's log of added keys, for copies of the filter (<see cref="Since"/>): its number, and where it starts.</summary>
    private readonly long _epoch = Random.Shared.NextInt64(1, long.MaxValue);
    private long _logStart;
    private readonly List<ulong> _log = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_all, _stored) = snapshot.State.Bits is { Length: > 0 } bits
            ? (KeyFilter.FromBytes(bits), KeyFilter.FromBytes(bits))
            : (new KeyFilter(SkipAbsentReads.BitsPerShard), new KeyFilter(SkipAbsentReads.BitsPerShard));
        _recent = [.. MemoryMarshal.Cast<byte, ulong>(recent.State.Hashes ?? [])];
        foreach (var hash in _recent)
        {
            _all.Add(hash);
            _stored.Add(hash);
        }
        return Task.CompletedTask;
    }

    public Task<bool> Claim(ulong hash)
    {
        if (_all.MayContain(hash)) return Task.FromResult(true);
        Add(hash);
        NextWrite().Ignore(); // a failed write is logged there; a later Register retries it
        return Task.FromResult(false);
    }

    public Task Register(ulong hash)
    {
        if (_stored.MayContain(hash)) return Task.CompletedTask;
        Add(hash);
        return NextWrite();
    }

    public Task<KeysSince> Since(long epoch, long position)
    {
        var end = _logStart + _log.Count;
        if (epoch != _epoch || position < _logStart || position > end) return Task.FromResult(new KeysSince(_epoch, end, _all.ToBytes(), []));
        return Task.FromResult(new KeysSince(_epoch, end, null, _log.GetRange((int)(position - _logStart), (int)(end - position)).ToArray()));
    }

    /// <summary>Deactivation waits for the writes already due, so no claim is left unstored.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _writes;

    private void Add(ulong hash)
    {
        _all.Add(hash);
        _added.Add(hash);
        if (_log.Count == LogLimit)
        {
            // Copies further behind than half the log take the whole filter instead.
            _log.RemoveRange(0, LogLimit / 2);
            _logStart += LogLimit / 2;
        }
        _log.Add(hash);
    }

    private Task NextWrite()
    {
        if (_next is null)
        {
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writes = WriteAfter(_writes, _next);
        }
        return _next.Task;
    }

    /// <summary>Writes after the delay and after the write before it (never two at once); never throws.</summary>
    private async Task WriteAfter(Task previous, TaskCompletionSource done)
    {
        await Task.Delay(SkipAbsentReads.FlushDelay);
        await previous;
        // Keys added from here on go to the write after this one.
        if (_next == done) _next = null;
        var added = _added;
        _added = [];
        try
        {
            if (_recent.Count + added.Count <= RecentLimit) await StoreRecent([.. _recent, .. added]);
            else await StoreSnapshot();
            done.SetResult();
        }
        catch (Exception ex)
        {
            // The keys stay unstored and go with the next write, which whoever registers a key next starts.
            _added.UnionWith(added);
            LogWriteFailed(ex, this.GetPrimaryKeyLong());
            done.SetException(ex);
            // Another activation wrote the shard (a split cluster): this one's copy is stale, so read it afresh.
            if (ex is InconsistentStateException) DeactivateOnIdle();
        }
    }

    /// <param name="keys">The recent row's keys from now on: those stored already, then the new ones (or none).</param>
    private async Task StoreRecent(List<ulong> keys)
    {
        recent.State.Hashes = MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(keys)).ToArray();
        await recent.WriteStateAsync();
        for (var i = _recent.Count; i < keys.Count; i++) _stored.Add(keys[i]);
        _recent = keys;
    }

    /// <summary>Every key so far in the snapshot; then the recent row starts over, since the snapshot holds its keys.</summary>
    private async Task StoreSnapshot()
    {
        var bits = _all.ToBytes();
        snapshot.State.Bits = bits;
        await snapshot.WriteStateAsync();
        _stored = KeyFilter.FromBytes(bits);
        try { await StoreRecent([]); }
        catch (Exception ex) when (ex is not InconsistentStateException)
        {
            // The keys are stored: the recent row only repeats some the snapshot has, and a later write replaces it.
            LogWriteFailed(ex, this.GetPrimaryKeyLong());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored-keys shard {Shard} failed to write; first writes of new records wait for the next")]
    private partial void LogWriteFailed(Exception e, long shard);
}
