using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Risk.Contracts;

namespace Risk.Grains;

/// <summary>
/// The replicas watching one entity, and when to push to them: when its score moved by push.min_score_change or
/// its override changed since they were last told. A push carries the entity's risk, so a replica answers the
/// next miss itself instead of reading the entity again. In memory only: replicas renew their watch.
/// </summary>
public sealed class Watchers(ILogger log)
{
    private readonly ObserverManager<IRiskReplicaGrain> _replicas = new(WatchTerms.Span, log);
    private double _toldScore;
    private OverrideAction _toldOverride;

    /// <summary>
    /// Adds a replica that has just read <paramref name="current"/>. If the score has drifted by half the push
    /// threshold since the others were told, they are told now and the new reading becomes the baseline. So every
    /// replica stays within 1.5 thresholds of the truth, and replicas joining a busy entity cannot set off a storm
    /// of pushes among themselves.
    /// </summary>
    public void Add(IRiskReplicaGrain replica, EntityRisk current, double minChange)
    {
        if (_replicas.Count == 0 || Math.Abs(current.Score - _toldScore) >= minChange / 2 || current.Override != _toldOverride)
        {
            if (_replicas.Count > 0) Push(current);
            (_toldScore, _toldOverride) = (current.Score, current.Override);
        }
        _replicas.Subscribe(replica, replica);
    }

    /// <param name="current">Computed only when someone is watching: most entities have no watcher, and this runs per batch.</param>
    public void TellIfMoved(Func<EntityRisk> current, double minChange)
    {
        if (_replicas.Count == 0) return;
        var risk = current();
        if (Math.Abs(risk.Score - _toldScore) < minChange && risk.Override == _toldOverride) return;
        (_toldScore, _toldOverride) = (risk.Score, risk.Override);
        Push(risk);
    }

    /// <summary>The entity is deactivating: its watch list goes with it, so replicas must read it anew.</summary>
    public void Gone()
    {
        if (_replicas.Count > 0) Push(null);
    }

    private void Push(EntityRisk? risk) => _replicas.Notify(r => { _ = r.Changed(risk); });
}
