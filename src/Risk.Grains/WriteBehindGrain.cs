using Microsoft.Extensions.Options;

namespace Risk.Grains;

/// <summary>
/// The write-behind shape shared by the entity grains, after the GPSTracker sample: traffic marks state dirty,
/// a grain timer checkpoints it, and deactivation flushes what is left. The timer exists only while state is
/// dirty, so a hundred thousand idle accounts cost no timer ticks. Operator actions call
/// <see cref="WriteThrough"/> instead, so they are stored before they are acknowledged.
/// </summary>
public abstract class WriteBehindGrain<TState>(IPersistentState<TState> state, IOptions<RiskGrainOptions> options) : Grain
    where TState : new()
{
    private bool _dirty;
    private IGrainTimer? _checkpoint;

    protected TState State => state.State;

    protected RiskGrainOptions Options => options.Value;

    protected void MarkDirty()
    {
        _dirty = true;
        _checkpoint ??= this.RegisterGrainTimer(CheckpointDue, new GrainTimerCreationOptions(options.Value.CheckpointInterval, Timeout.InfiniteTimeSpan));
    }

    protected async Task WriteThrough()
    {
        await state.WriteStateAsync();
        _dirty = false;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !options.Value.FlushOnShutdown
            ? Task.CompletedTask
            : Checkpoint(cancellationToken);

    private async Task CheckpointDue(CancellationToken cancellationToken)
    {
        var timer = _checkpoint;
        _checkpoint = null;
        try
        {
            await Checkpoint(cancellationToken);
        }
        finally
        {
            // Disposing a timer cancels its callback's token, so only once the write is done.
            timer?.Dispose();
        }
    }

    private async Task Checkpoint(CancellationToken cancellationToken)
    {
        if (!_dirty) return;
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
            RiskMetrics.StateWrites.Add(1);
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }
}
