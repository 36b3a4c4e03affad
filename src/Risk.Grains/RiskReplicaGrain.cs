using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;
using Risk.Contracts;

namespace Risk.Grains;

/// <summary>
/// One entity's risk as gateways read it on a miss: a copy held on a decisions silo, which the entity keeps
/// current by pushing its risk whenever it changes materially. Nothing is stored; a new activation reads the entity
/// again.
/// <para>
/// Only the first read waits on the entity. The watch there is renewed behind the answers once half of it has
/// passed; a copy whose watch may have lapsed (a renewal that failed, or an entity gone) is read again before it
/// is answered. Reentrant, so pushes are taken while a read is out. A read started before the latest push is
/// never shared with a later caller, and its value is not kept: the push's is newer, or was sent before the entity
/// answered the read and is then within half the push threshold of it (<see cref="Watchers.Add"/>).
/// </para>
/// <para>
/// It stays active at least <see cref="WatchTerms.Span"/> after its last call, longer than any gateway
/// trusts a watch of it (90 % of that), so a gateway never holds a risk that no replica will push to.
/// </para>
/// </summary>
[Reentrant, CollectionAgeLimit(Minutes = 5)]
public sealed partial class RiskReplicaGrain(ILogger<RiskReplicaGrain> log) : Grain, IRiskReplicaGrain
{
    /// <summary>Renewed half-way through, the latest a watcher may (a renewal then has time to fail and be retried).</summary>
    private static readonly WatchTerms Terms = new(WatchTerms.Span / 2, Stopwatch.Frequency);

    private readonly ObserverManager<IDecisionObserver> _gateways = new(WatchTerms.Span, log);
    private EntityKind _kind;
    private string _key = "";
    private EntityRisk? _risk;
    /// <summary>When the entity last took this replica's watch; 0 when no watch is known to hold.</summary>
    private long _watchedAt;
    private int _pushes;
    private Task<EntityRisk>? _reading;
    /// <summary>The newest policy version a gateway asked for; a read asks the entity for at least this.</summary>
    private long _policyVersion;
    private int _readingSince;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        var slash = id.IndexOf('/');
        _kind = Enum.Parse<EntityKind>(id[..slash], ignoreCase: true);
        _key = id[(slash + 1)..];
        return Task.CompletedTask;
    }

    public Task<EntityRisk> Watch(IDecisionObserver observer, long policyVersion)
    {
        _gateways.Subscribe(observer, observer);
        _policyVersion = Math.Max(_policyVersion, policyVersion);
        var standing = Terms.Of(_watchedAt, Stopwatch.GetTimestamp());
        if (_risk is not { } risk || standing == WatchStanding.Lapsed || risk.PolicyVersion < _policyVersion) return Read();
        if (standing == WatchStanding.Renew) _ = Renew();
        return Task.FromResult(risk);
    }

    public Task Changed(EntityRisk? risk)
    {
        _pushes++;
        _risk = risk;
        if (risk is null) _watchedAt = 0;
        TellGateways(risk);
        return Task.CompletedTask;
    }

    /// <summary>Gateways drop what they hold from this copy when it goes (a silo stopping, or memory pressure).</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The gateway this silo hosts went before its grains.
        TellGateways(null, SiloShutdown.IsShuttingDown(reason) ? g => !SiloShutdown.IsHostedHere(g, ServiceProvider) : null);
        return Task.CompletedTask;
    }

    /// <param name="risk">Null: this copy is going, and the gateways' watches with it.</param>
    private void TellGateways(EntityRisk? risk, Func<IDecisionObserver, bool>? which = null)
    {
        if (_gateways.Count > 0) _gateways.Notify(g => { _ = g.Changed(_kind, _key, risk); }, which);
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
        var risk = await GrainFactory.Entity(_kind, _key).Watch(this.AsReference<IRiskReplicaGrain>(), _policyVersion);
        if (pushes == _pushes) _risk = risk;
        // The watch now holds, unless a push since said the entity went (and its watch list with it).
        if (_risk is not null) _watchedAt = Stopwatch.GetTimestamp();
        return risk;
    }

    private async Task Renew()
    {
        try { await Read(); }
        catch (Exception e) { LogRenewFailed(e, _kind, _key); } // a later miss renews, or reads once the watch may have lapsed
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the watch on the {Kind} {Key} failed")]
    private partial void LogRenewFailed(Exception e, EntityKind kind, string key);
}
