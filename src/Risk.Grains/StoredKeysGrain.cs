using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Risk.Grains;

/// <summary>
/// One shard of the filter of storage keys that may have a record (<see cref="SkipAbsentReads"/>). A key is in it
/// durably before its record's first write, so a key it has never seen has no record and needs no read.
/// </summary>
[Alias("Risk.IStoredKeysGrain")]
public interface IStoredKeysGrain : IGrainWithIntegerKey
{
    /// <summary>Whether a record may be stored under the key. Either way the key counts from now on as one that may be.</summary>
    [Alias("Claim")]
    Task<bool> Claim(ulong hash);

    /// <summary>Completes once the key is stored among those that may have a record: a record's first write waits for it.</summary>
    [Alias("Register")]
    Task Register(ulong hash);
}

public sealed class StoredKeysState
{
    public byte[]? Bits { get; set; }
}

/// <summary>
/// Keeps its shard of the filter in memory and writes it at most once per <see cref="SkipAbsentReads.FlushDelay"/>,
/// so the keys of a burst of new entities cost one write together. Reentrant: callers waiting for a write do not
/// hold up the claims of others.
/// </summary>
[Reentrant]
public sealed partial class StoredKeysGrain(
    [PersistentState("keys", SkipAbsentReads.Storage)] IPersistentState<StoredKeysState> state,
    ILogger<StoredKeysGrain> log) : Grain, IStoredKeysGrain
{
    /// <summary>Every key added, stored or not.</summary>
    private KeyFilter _all = null!;
    /// <summary>The keys as last stored.</summary>
    private KeyFilter _stored = null!;
    /// <summary>The next write, which carries every key added since the last one began.</summary>
    private TaskCompletionSource? _next;
    private Task _writes = Task.CompletedTask;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_all, _stored) = state.State.Bits is { Length: > 0 } bits
            ? (KeyFilter.FromBytes(bits), KeyFilter.FromBytes(bits))
            : (new KeyFilter(SkipAbsentReads.BitsPerShard), new KeyFilter(SkipAbsentReads.BitsPerShard));
        return Task.CompletedTask;
    }

    public Task<bool> Claim(ulong hash)
    {
        if (_all.MayContain(hash)) return Task.FromResult(true);
        _all.Add(hash);
        NextWrite().Ignore(); // a failed write is logged there; a later Register retries it
        return Task.FromResult(false);
    }

    public Task Register(ulong hash)
    {
        if (_stored.MayContain(hash)) return Task.CompletedTask;
        _all.Add(hash);
        return NextWrite();
    }

    /// <summary>Deactivation waits for the writes already due, so no claim is left unstored.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _writes;

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
        var bits = _all.ToBytes();
        try
        {
            state.State.Bits = bits;
            await state.WriteStateAsync();
            _stored = KeyFilter.FromBytes(bits);
            done.SetResult();
        }
        catch (Exception ex)
        {
            // The keys stay unstored: whoever registers one of them next starts another write.
            LogWriteFailed(ex, this.GetPrimaryKeyLong());
            done.SetException(ex);
            // Another activation wrote the shard (a split cluster): this one's copy is stale, so read it afresh.
            if (ex is InconsistentStateException) DeactivateOnIdle();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored-keys shard {Shard} failed to write; first writes of new records wait for the next")]
    private partial void LogWriteFailed(Exception e, long shard);
}
