using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Risk.Contracts;

namespace Risk.Grains;

/// <summary>
/// The gateways watching one entity, and when to tell them: when its score moved by push.min_score_change
/// or its override changed since they were last told. In memory only: gateways renew their watch.
/// </summary>
public sealed class Watchers(EntityKind kind, string key, ILogger log)
{
    private readonly ObserverManager<IDecisionObserver> _observers = new(IOverridable.WatchFor, log);
    private double _toldScore;
    private OverrideAction _toldOverride;

    public void Add(IDecisionObserver observer) => _observers.Subscribe(observer, observer);

    /// <param name="current">Computed only when someone is watching: most entities have no watcher, and this runs per batch.</param>
    public void TellIfMoved(Func<EntityRisk> current, double minChange)
    {
        // Without watchers nothing is remembered either; a first watcher may get one needless invalidation.
        if (_observers.Count == 0) return;
        var risk = current();
        if (Math.Abs(risk.Score - _toldScore) < minChange && risk.Override == _toldOverride) return;
        (_toldScore, _toldOverride) = (risk.Score, risk.Override);
        _observers.Notify(o => { _ = o.Invalidate(kind, key); });
    }
}
