using Microsoft.Extensions.Options;

namespace Risk.Grains;

/// <summary>
/// The write-behind shape shared by the entity grains, after the GPSTracker sample: traffic marks state dirty,
/// a grain timer checkpoints it, and deactivation flushes what is left. Operator actions call
/// <see cref="WriteThrough"/> instead, so they are stored before they are acknowledged.
/// </summary>
public abstract class WriteBehindGrain<TState>(IPersistentState<TState> state, IOptions<RiskGrainOptions> options) : Grain
    where TState : new()
{
    private bool _dirty;

    protected TState State => state.State;

    protected RiskGrainOptions Options => options.Value;

    protected void MarkDirty() => _dirty = true;

    protected async Task WriteThrough()
    {
        await state.WriteStateAsync();
        _dirty = false;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var every = options.Value.CheckpointInterval;
        this.RegisterGrainTimer(Checkpoint, new GrainTimerCreationOptions(every, every));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Checkpoint(cancellationToken);

    private async Task Checkpoint(CancellationToken cancellationToken)
    {
        if (!_dirty) return;
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }
}
