using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>What every entity's state holds of its operator's override.</summary>
public interface IOverrideState
{
    OverrideAction Override { get; set; }
    /// <summary>When the override lapses (UTC); null for never.</summary>
    DateTime? OverrideExpires { get; set; }
}

/// <summary>
/// An account, IP or proxy: state written behind, an operator's override written through, and the replicas that
/// watch its risk, pushed to whenever it moves materially (<see cref="Watchers"/>).
/// </summary>
public abstract class EntityGrain<TState>(
    IPersistentState<TState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger log) : WriteBehindGrain<TState>(state, options), IOverridable
    where TState : IOverrideState, new()
{
    /// <summary>Made at the first watch: most entities are never watched, and then nothing here is computed.</summary>
    private Watchers? _watchers;

    protected PolicyCache Policies => policies;

    /// <summary>The entity's risk now, as a decision reads it.</summary>
    protected abstract EntityRisk Risk(PolicyView policy);

    /// <summary>Brings what the entity holds from other grains up to <paramref name="policy"/> before a watcher reads its risk.</summary>
    protected virtual ValueTask Reweigh(PolicyView policy) => ValueTask.CompletedTask;

    /// <summary>What else an override changes in <paramref name="state"/>; returns how to undo that, should its write fail.</summary>
    protected virtual Action OnOverride(TState state, OverrideAction action) => () => { };

    /// <summary>After an override is stored: what else must hear of it.</summary>
    protected virtual void Overridden(PolicyView policy) { }

    /// <summary>The override in force now: an operator's expiry is wall-clock time, not event time.</summary>
    protected OverrideAction Override => new OverrideSetting(State.Override, State.OverrideExpires).At(DateTime.UtcNow);

    private IGrainTimer? _expiry;

    public async Task<EntityRisk> Watch(IRiskReplicaGrain replica, long policyVersion)
    {
        KeepExpiry();
        var policy = await policies.Get(policyVersion);
        await Reweigh(policy);
        var risk = Risk(policy);
        (_watchers ??= new(log)).Add(replica, risk, policy[Knobs.PushMinScoreChange]);
        return risk;
    }

    public async Task<OverrideSetting> SetOverride(OverrideAction action, DateTime? expires = null)
    {
        // Applied again over a record another activation stored, should the write conflict: what was in force is
        // then the stored record's.
        var before = new OverrideSetting(State.Override, State.OverrideExpires);
        var undo = () => { };
        try
        {
            await WriteThrough(state =>
            {
                before = new OverrideSetting(state.Override, state.OverrideExpires);
                undo = OnOverride(state, action);
                (state.Override, state.OverrideExpires) = (action, action == OverrideAction.None ? null : expires);
            });
        }
        catch
        {
            // Live only once stored: what was in force stays in force.
            (State.Override, State.OverrideExpires) = (before.Action, before.Expires);
            undo();
            throw;
        }
        KeepExpiry();
        var policy = await policies.Get();
        TellWatchers(policy);
        Overridden(policy);
        return before;
    }

    /// <summary>
    /// Tells the watchers when the override lapses, so gateways stop applying it then rather than at their next read.
    /// Set again by each activation that is watched; the override's lapse itself is read from the state.
    /// </summary>
    private void KeepExpiry()
    {
        _expiry?.Dispose();
        _expiry = null;
        if (State.Override == OverrideAction.None || State.OverrideExpires is not { } until) return;
        var due = until - DateTime.UtcNow;
        if (due < TimeSpan.Zero) return;
        // A timer waits at most some 49 days; an override set for longer is looked at again each day until then.
        _expiry = this.RegisterGrainTimer(async () =>
        {
            if (DateTime.UtcNow < until) KeepExpiry();
            else TellWatchers(await policies.Get());
        }, new GrainTimerCreationOptions(due < TimeSpan.FromDays(1) ? due + TimeSpan.FromMilliseconds(50) : TimeSpan.FromDays(1), Timeout.InfiniteTimeSpan)
        { KeepAlive = false });
    }

    /// <summary>Pushes the risk to the watchers if it moved materially since they were told.</summary>
    protected void TellWatchers(PolicyView policy) => _watchers?.TellIfMoved(() => Risk(policy), policy[Knobs.PushMinScoreChange]);

    /// <inheritdoc cref="TellWatchers(PolicyView)"/>
    /// <param name="risk">The risk, computed already.</param>
    protected void TellWatchers(PolicyView policy, EntityRisk risk) => _watchers?.TellIfMoved(() => risk, policy[Knobs.PushMinScoreChange]);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The watch list goes with the activation: replicas must read the next one anew. On a silo's way down, only if
        // another silo is up: with none, every replica is going too.
        if (!SiloShutdown.IsShuttingDown(reason) || SiloShutdown.OthersActive(ServiceProvider)) _watchers?.Gone();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }
}
