using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Risk.Contracts;

namespace Risk.Grains;

/// <summary>
/// One entity's risk as gateways read it on a miss: a copy held on a decisions silo, watched at the entity and
/// dropped when the entity pushes a change. Nothing is stored; a new activation reads the entity again.
/// <para>
/// Reentrant, so pushes are taken while a read is out. A read started before the latest push is never shared
/// with a later caller, and is kept only if no push came while it was out. Copies are re-read at once after a
/// push while gateways are watching, so their next miss is answered here.
/// </para>
/// <para>
/// It stays active at least <see cref="IOverridable.WatchFor"/> after its last call, longer than any gateway
/// caches an answer from it, so a gateway is never left with an entry that no replica will invalidate.
/// </para>
/// </summary>
[Reentrant, CollectionAgeLimit(Minutes = 5)]
public sealed partial class RiskReplicaGrain(ILogger<RiskReplicaGrain> log) : Grain, IRiskReplicaGrain, IDecisionObserver
{
    private static readonly long RenewTicks = (long)(IOverridable.WatchFor.TotalSeconds / 2 * Stopwatch.Frequency);

    private Watchers? _gateways;
    private EntityKind _kind;
    private string _key = "";
    private EntityRisk? _risk;
    private long _watchedAt;
    private long _askedAt;
    private int _pushes;
    private Task<EntityRisk>? _reading;
    private int _readingSince;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        var slash = id.IndexOf('/');
        _kind = Enum.Parse<EntityKind>(id[..slash], ignoreCase: true);
        _key = id[(slash + 1)..];
        _gateways = new(_kind, _key, log);
        return Task.CompletedTask;
    }

    public Task<EntityRisk> Watch(IDecisionObserver observer)
    {
        _gateways!.Subscribe(observer);
        _askedAt = Stopwatch.GetTimestamp();
        // The entity's watch must outlast the gateway's entry: renewed once half of it has passed.
        return _risk is { } risk && _askedAt - _watchedAt < RenewTicks ? Task.FromResult(risk) : Read();
    }

    public Task Invalidate(EntityKind kind, string key)
    {
        _pushes++;
        _risk = null;
        _gateways!.TellAll();
        if (Stopwatch.GetTimestamp() - _askedAt < RenewTicks) _ = Reread();
        return Task.CompletedTask;
    }

    /// <summary>Gateways drop what they cached from this copy when it goes (a silo stopping, or memory pressure).</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _gateways?.TellAll();
        return Task.CompletedTask;
    }

    private Task<EntityRisk> Read()
    {
        if (_reading is { IsCompleted: false } reading && _readingSince == _pushes) return reading;
        _readingSince = _pushes;
        return _reading = ReadEntity();
    }

    private async Task<EntityRisk> ReadEntity()
    {
        var pushes = _pushes;
        var risk = await Entity().Watch(this.AsReference<IDecisionObserver>());
        if (pushes == _pushes) (_risk, _watchedAt) = (risk, Stopwatch.GetTimestamp());
        return risk;
    }

    private async Task Reread()
    {
        try { await Read(); }
        catch (Exception e) { LogRereadFailed(e, _kind, _key); } // the next miss reads again
    }

    private IOverridable Entity() => _kind switch
    {
        EntityKind.Account => GrainFactory.Grain<IAccountGrain>(_key),
        EntityKind.Ip => GrainFactory.Grain<IIpGrain>(_key),
        _ => GrainFactory.Grain<IProxyGrain>(_key),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-reading the {Kind} {Key} after a push failed")]
    private partial void LogRereadFailed(Exception e, EntityKind kind, string key);
}
