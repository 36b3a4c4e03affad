using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>
/// An account, IP or proxy: state written behind, an operator's override written through, and the replicas that
/// watch its risk, pushed to whenever it moves materially (<see cref="Watchers"/>).
/// </summary>
public abstract class EntityGrain<TState>(
    IPersistentState<TState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger log) : WriteBehindGrain<TState>(state, options), IOverridable
    where TState : new()
{
    /// <summary>Made at the first watch: most entities are never watched, and then nothing here is computed.</summary>
    private Watchers? _watchers;

    protected PolicyCache Policies => policies;

    /// <summary>The entity's risk now, as a decision reads it.</summary>
    protected abstract EntityRisk Risk(PolicyView policy);

    /// <summary>Brings what the entity holds from other grains up to <paramref name="policy"/> before a watcher reads its risk.</summary>
    protected virtual ValueTask Reweigh(PolicyView policy) => ValueTask.CompletedTask;

    /// <summary>Records the override in the state; <see cref="SetOverride"/> writes it through and tells the watchers.</summary>
    protected abstract void ApplyOverride(OverrideAction action);

    public async Task<EntityRisk> Watch(IRiskReplicaGrain replica, long policyVersion)
    {
        var policy = await policies.Get(policyVersion);
        await Reweigh(policy);
        var risk = Risk(policy);
        (_watchers ??= new(log)).Add(replica, risk, policy[Knobs.PushMinScoreChange]);
        return risk;
    }

    public async Task SetOverride(OverrideAction action)
    {
        ApplyOverride(action);
        await WriteThrough();
        TellWatchers(await policies.Get());
    }

    /// <summary>Pushes the risk to the watchers if it moved materially since they were told.</summary>
    protected void TellWatchers(PolicyView policy) => _watchers?.TellIfMoved(() => Risk(policy), policy[Knobs.PushMinScoreChange]);

    /// <inheritdoc cref="TellWatchers(PolicyView)"/>
    /// <param name="risk">The risk, computed already.</param>
    protected void TellWatchers(PolicyView policy, EntityRisk risk) => _watchers?.TellIfMoved(() => risk, policy[Knobs.PushMinScoreChange]);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The watch list goes with the activation: replicas must read the next one anew.
        _watchers?.Gone();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }
}
