using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Risk.Grains;

/// <summary>
/// The write-behind shape shared by the entity grains, after the GPSTracker sample: traffic marks state dirty,
/// a grain timer checkpoints it, and deactivation flushes what is left. The timer exists only while state is
/// dirty, so a hundred thousand idle accounts cost no timer ticks. Timer checkpoints draw on the silo's
/// <see cref="CheckpointBudget"/>; one refused waits another interval plus the budget's backlog. Operator actions call
/// <see cref="WriteThrough"/> instead, so they are stored before they are acknowledged. What is dirty and what storage
/// failed is counted by grain kind (<see cref="RiskMetrics.StateDirty"/>, <see cref="RiskMetrics.StateWriteFailures"/>).
/// <para>
/// A new entity may skip a read that would have found a record (<see cref="SkipAbsentReads"/>), and with Orleans' default
/// grain directory a grain's next activation may start on another silo before the last one, on a silo going down, has
/// stored its state (the silo host uses the strongly consistent directory, which waits). Then
/// one of the two writes is refused. A grain that keeps its changes since its last write (<see cref="Unstored"/>)
/// reads the stored record, applies them over it (<see cref="Reconcile"/>) and writes again, so neither activation's
/// events are lost; one that does not, or whose changes outgrew <see cref="RiskGrainOptions.UnstoredChangesKept"/>,
/// yields to the stored record.
/// </para>
/// </summary>
public abstract class WriteBehindGrain<TState>(IPersistentState<TState> state, IOptions<RiskGrainOptions> options) : Grain, IGrainMigrationParticipant
    where TState : new()
{
    /// <summary>The migration context's key for whether the state that moves holds changes not yet stored.</summary>
    private const string DirtyKey = "risk.dirty";

    private static readonly ConcurrentDictionary<Type, KeyValuePair<string, object?>> Kinds = new();

    /// <summary><see cref="RiskMetrics.StateWrites"/>' "why" tags: the timer's checkpoint, one for being <see cref="Crowded"/>, the last.</summary>
    private static readonly KeyValuePair<string, object?> OnTimer = new("why", "timer");
    private static readonly KeyValuePair<string, object?> ForCrowding = new("why", "crowded");
    private static readonly KeyValuePair<string, object?> Deactivation = new("why", "deactivation");

    private bool _dirty;
    /// <summary>Whether this activation is in <see cref="RiskMetrics.StateDirty"/>: it holds changes not yet stored.</summary>
    private bool _counted;
    private bool _waiting;
    /// <summary>Checkpoints that failed in a row, for <see cref="RetryAfterFailure"/>.</summary>
    private int _failures;
    private IGrainTimer? _checkpoint;
    /// <summary>Whether <see cref="_checkpoint"/> is the early one for being <see cref="Crowded"/>.</summary>
    private bool _soon;
    /// <summary>When this activation last stored its state (<see cref="Environment.TickCount64"/>).</summary>
    private long _storedAt = Environment.TickCount64;
    private CheckpointBudget? _budget;
    /// <summary>The changes applied since the state was last stored or read, in order; null once they outgrew the limit.</summary>
    private List<Action<TState>>? _unstored = options.Value.UnstoredChangesKept > 0 ? [] : null;
    /// <summary>What <see cref="_unstored"/> holds, in events.</summary>
    private int _unstoredEvents;
    /// <summary>This activation came from another silo with changes its state had not yet stored.</summary>
    private bool _rehydratedDirty;

    protected TState State => state.State;

    protected RiskGrainOptions Options => options.Value;

    private CheckpointBudget Budget => _budget ??= ServiceProvider.GetRequiredService<CheckpointBudget>();

    /// <summary>The metrics' "grain" tag: AccountGrain is "account", ModelCatalogGrain "model_catalog".</summary>
    private KeyValuePair<string, object?> Kind => Kinds.GetOrAdd(GetType(), static type => new("grain", KindOf(type.Name)));

    private static string KindOf(string typeName)
    {
        var name = typeName.EndsWith("Grain", StringComparison.Ordinal) ? typeName[..^"Grain".Length] : typeName;
        return string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }

    /// <summary>
    /// Brings <see cref="RiskMetrics.StateDirty"/> up to date. Called after a write has settled, not before it starts:
    /// a checkpoint clears the flag while it writes (to catch changes made meanwhile), and the count must not dip then.
    /// </summary>
    private void CountDirty()
    {
        if (_counted == _dirty) return;
        _counted = _dirty;
        RiskMetrics.StateDirty.Add(_dirty ? 1 : -1, Kind);
    }

    protected void MarkDirty() => MarkDirty(options.Value.CheckpointInterval);

    private void MarkDirty(TimeSpan due)
    {
        _dirty = true;
        CountDirty();
        if (options.Value.CheckpointInterval == Timeout.InfiniteTimeSpan) return;
        _checkpoint ??= this.RegisterGrainTimer(CheckpointDue, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
    }

    /// <summary>
    /// Keeps a change just applied to the state, to apply it again over a record another activation stored (see
    /// <see cref="Reconcile"/>). The change must read the state it is given, never this activation's.
    /// </summary>
    /// <param name="events">What the change holds, counted against <see cref="RiskGrainOptions.UnstoredChangesKept"/>.</param>
    protected void Unstored(Action<TState> change, int events = 1)
    {
        if (_unstored is null) return;
        _unstoredEvents += events;
        if (_unstoredEvents > options.Value.UnstoredChangesKept)
        {
            _unstored = null;
            return;
        }
        _unstored.Add(change);
        if (Crowded) CheckpointSoon();
    }

    /// <summary>
    /// Past half of what may be kept, an entity writes soon and outside the budget. Under load the budget puts a
    /// checkpoint off by a minute or more, time enough for a busy account to outgrow what it keeps; should a silo leave
    /// then, a record its next activation stored would take every event applied since the last write. Such a write
    /// comes at most once per half of <see cref="RiskGrainOptions.UnstoredChangesKept"/> events and once per
    /// <see cref="CrowdedWriteSpacing"/>, so these writes are a small share of the event rate whatever the budget.
    /// </summary>
    private bool Crowded => _unstored is not null && _unstoredEvents > options.Value.UnstoredChangesKept / 2;

    /// <summary>
    /// The least time between an entity's writes for being <see cref="Crowded"/>. A write holds the entity's calls for a
    /// storage round trip, and a proxy in front of thousands of accounts takes a thousand events in a fraction of a
    /// second: it may outgrow what it keeps between two such writes (then it yields to a record it did not read) rather
    /// than spend its time writing.
    /// </summary>
    private static readonly TimeSpan CrowdedWriteSpacing = TimeSpan.FromSeconds(1);

    private void CheckpointSoon()
    {
        // After a failed write, the retry's own timer stands: storage that just failed is not asked again per event.
        // Without timed checkpoints too, since what a write protects here is what the entity keeps, not a timer's due.
        if (_soon || _failures > 0) return;
        _soon = true;
        var due = CrowdedWriteSpacing - TimeSpan.FromMilliseconds(Environment.TickCount64 - _storedAt);
        // A timer not yet due (the one running has taken itself off): grain timers do not interleave, so this one
        // fires once the call that crowded the entity is done at the earliest.
        _checkpoint?.Dispose();
        _checkpoint = this.RegisterGrainTimer(CheckpointDue,
            new GrainTimerCreationOptions(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    /// <summary>Applies the changes kept since the last write to <paramref name="onto"/>, in their order.</summary>
    protected void ApplyUnstored(TState onto)
    {
        foreach (var change in _unstored ?? []) change(onto);
    }

    /// <summary>
    /// The state to store when storage holds a record this activation did not read: <paramref name="stored"/> with
    /// this activation's changes since its last write applied over it (<see cref="ApplyUnstored"/>), and of what both
    /// hold otherwise, the newer. Null when the grain cannot tell (the default): the stored record wins.
    /// </summary>
    /// <param name="mine">This activation's state; it may be changed and returned.</param>
    protected virtual TState? Reconcile(TState stored, TState mine) => default;

    /// <summary>Writes now: operator actions are stored before they are acknowledged.</summary>
    /// <param name="change">The action's change to the state; applied again over the stored record should a write conflict.</param>
    protected async Task WriteThrough(Action<TState> change)
    {
        change(state.State);
        Unstored(change);
        try { await Store(CancellationToken.None); }
        catch (InconsistentStateException ex)
        {
            Conflicted(ex);
            throw;
        }
        catch
        {
            // The caller takes the change back; it must not come back with the next reconciliation.
            _unstored?.Remove(change);
            RiskMetrics.StateWriteFailures.Add(1, Kind);
            throw;
        }
        _dirty = false;
        CountDirty();
        Budget.Leave(ref _waiting);
    }

    /// <summary>
    /// Writes the state; when storage holds a record this activation did not read, reconciles with it and writes again
    /// (a few times, should another activation write in between). Once stored, the changes kept are no longer needed.
    /// </summary>
    private async Task Store(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var kept = _unstored?.Count;
            try
            {
                await state.WriteStateAsync(cancellationToken);
                _storedAt = Environment.TickCount64;
                // Changes made while the write was out (by an interleaving call) are kept for the next one.
                if (kept is { } n) _unstored?.RemoveRange(0, n);
                else if (options.Value.UnstoredChangesKept > 0) _unstored = [];
                _unstoredEvents = _unstored?.Count ?? 0;
                return;
            }
            catch (InconsistentStateException) when (attempt < 3 && _unstored is not null)
            {
                if (!await TryReconcile(cancellationToken)) throw;
                RiskMetrics.StateConflicts.Add(1, new KeyValuePair<string, object?>("outcome", "reconciled"));
            }
        }
    }

    private async Task<bool> TryReconcile(CancellationToken cancellationToken)
    {
        var mine = state.State;
        try { await state.ReadStateAsync(cancellationToken); }
        catch
        {
            state.State = mine;
            throw;
        }
        var merged = Reconcile(state.State, mine);
        if (merged is null)
        {
            state.State = mine;
            return false;
        }
        state.State = merged;
        ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(GetType()).LogInformation(
            "Storage held a record of {GrainId} that this activation had not read; {Changes} changes since its last write were applied over it",
            this.GetGrainId(), _unstored?.Count);
        return true;
    }

    /// <summary>
    /// An activation that moves to another silo takes its state along (Orleans carries it), flushed by
    /// <see cref="OnDeactivateAsync"/> first; should that write have failed, the next activation must know the
    /// state is still to be stored.
    /// </summary>
    public void OnDehydrate(IDehydrationContext dehydrationContext) => dehydrationContext.TryAddValue(DirtyKey, _dirty);

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(DirtyKey, out bool dirty) && dirty)
        {
            // What it changed since its last write stayed behind: a conflict now yields to the stored record.
            _unstored = null;
            _rehydratedDirty = true;
        }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_rehydratedDirty) MarkDirty();
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown || options.Value.FlushOnShutdown) await FlushWithRetries(cancellationToken);
        }
        finally
        {
            Budget.Leave(ref _waiting);
            // What is still dirty now (a failed write, or not flushed on shutdown) goes with the activation.
            _dirty = false;
            CountDirty();
        }
    }

    /// <summary>
    /// The last write of an activation that is going: a storage outage gets retries, half a second doubling, for as
    /// long as Orleans lets the deactivation run, before what is dirty goes with it.
    /// </summary>
    private async Task FlushWithRetries(CancellationToken cancellationToken)
    {
        for (var wait = TimeSpan.FromMilliseconds(500); ; wait *= 2)
        {
            try
            {
                await Checkpoint(cancellationToken, Deactivation);
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                try { await Task.Delay(wait, cancellationToken); }
                catch (OperationCanceledException) { throw new TimeoutException($"{this.GetGrainId()} could not store its state before it was deactivated"); }
            }
        }
    }

    private async Task CheckpointDue(CancellationToken cancellationToken)
    {
        var timer = _checkpoint;
        _checkpoint = null;
        var soon = _soon;
        _soon = false;
        try
        {
            if (!_dirty) return;
            // Even if it outgrew what it keeps since this was set: the write lets it keep again.
            if (soon)
            {
                Budget.Leave(ref _waiting);
                await Checkpoint(cancellationToken, ForCrowding);
            }
            else if (Budget.TryTake(ref _waiting)) await Checkpoint(cancellationToken, OnTimer);
            else RiskMetrics.StateWritesDeferred.Add(1);
        }
        finally
        {
            // Disposing a timer cancels its callback's token, so only once the write is done.
            timer?.Dispose();
            // Still dirty (refused by the budget, or changed while writing): try again an interval later, spread
            // between ½ and 1½ intervals so that entities refused together do not come back together, and if refused,
            // after the budget's backlog too. After a failure, sooner.
            if (_dirty) MarkDirty(_failures > 0 ? RetryAfterFailure()
                : options.Value.CheckpointInterval * (0.5 + Random.Shared.NextDouble()) + (_waiting ? Budget.Backlog : TimeSpan.Zero));
        }
    }

    /// <summary>
    /// The wait after a failed checkpoint: a second, doubling with each failure in a row up to the checkpoint interval,
    /// drawn between half and all of it so that the grains one outage failed together do not retry together. A blip
    /// is retried within seconds, an outage costs a grain one try per interval at most, and once storage answers again
    /// every grain it failed writes within an interval (as the budget allows).
    /// </summary>
    private TimeSpan RetryAfterFailure()
    {
        var cap = options.Value.CheckpointInterval;
        var wait = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, _failures - 1), cap.TotalSeconds));
        return wait * (0.5 + 0.5 * Random.Shared.NextDouble());
    }

    /// <summary>
    /// Storage holds a record this activation did not read, and it cannot be reconciled with: what is stored wins.
    /// The activation goes, with what it applied since its last write, and the next one reads the record.
    /// </summary>
    private void Conflicted(InconsistentStateException e)
    {
        _dirty = false;
        CountDirty();
        RiskMetrics.StateConflicts.Add(1, new KeyValuePair<string, object?>("outcome", "dropped"));
        ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(GetType())
            .LogError(e, "Storage holds a newer record for {GrainId}; this activation is dropped and the next reads it", this.GetGrainId());
        DeactivateOnIdle();
    }

    private async Task Checkpoint(CancellationToken cancellationToken, KeyValuePair<string, object?> why)
    {
        if (!_dirty) return;
        _dirty = false;
        try
        {
            await Store(cancellationToken);
            _failures = 0;
            RiskMetrics.StateWrites.Add(1, why);
        }
        catch (InconsistentStateException ex)
        {
            Conflicted(ex);
        }
        catch
        {
            _dirty = true;
            _failures++;
            RiskMetrics.StateWriteFailures.Add(1, Kind);
            // Kept active while storage is away, so that idle collection does not take unsaved state with it; the
            // timer tries again within an interval.
            if (options.Value.CheckpointInterval != Timeout.InfiniteTimeSpan) DelayDeactivation(options.Value.CheckpointInterval * 3);
            throw;
        }
        finally
        {
            CountDirty();
        }
    }
}
