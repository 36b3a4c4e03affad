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

    /// <summary>
    /// Adds a watcher that has just read <paramref name="current"/>. If the score has drifted by half the push
    /// threshold since the others were told, they are told now and the new reading becomes the baseline. So every
    /// watcher stays within 1.5 thresholds of the truth, and watchers joining a busy entity cannot set off a storm
    /// of tells among themselves.
    /// </summary>
    public void Add(IDecisionObserver observer, EntityRisk current, double minChange)
    {
        if (_observers.Count == 0 || Math.Abs(current.Score - _toldScore) >= minChange / 2 || current.Override != _toldOverride)
        {
            if (_observers.Count > 0) Tell();
            (_toldScore, _toldOverride) = (current.Score, current.Override);
        }
        _observers.Subscribe(observer, observer);
    }

    /// <summary>A watcher told of every change, with no threshold of its own (a replica's gateways: its entity applied it).</summary>
    public void Subscribe(IDecisionObserver observer) => _observers.Subscribe(observer, observer);

    /// <param name="current">Computed only when someone is watching: most entities have no watcher, and this runs per batch.</param>
    public void TellIfMoved(Func<EntityRisk> current, double minChange)
    {
        if (_observers.Count == 0) return;
        var risk = current();
        if (Math.Abs(risk.Score - _toldScore) < minChange && risk.Override == _toldOverride) return;
        (_toldScore, _toldOverride) = (risk.Score, risk.Override);
        Tell();
    }

    /// <summary>
    /// Tells every watcher now: when an entity deactivates (its watch list goes with it, so watchers must read it
    /// anew), and when a replica hears of a change or goes.
    /// </summary>
    public void TellAll()
    {
        if (_observers.Count > 0) Tell();
    }

    private void Tell() => _observers.Notify(o => { _ = o.Invalidate(kind, key); });
}
