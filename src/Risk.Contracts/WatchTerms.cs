namespace Risk.Contracts;

/// <summary>Where a watch stands for its watcher.</summary>
public enum WatchStanding : byte
{
    /// <summary>Every change since the watch began reaches the watcher: what it holds is current.</summary>
    Fresh,
    /// <summary>Still trusted, but old enough to be renewed behind the answers.</summary>
    Renew,
    /// <summary>No watch is known to hold (never taken, lost, or old enough to have lapsed): read before answering.</summary>
    Lapsed,
}

/// <summary>
/// The one rule by which whoever watches an entity's risk (a replica watching the entity, a gateway watching the
/// replica) trusts what it holds. A watch lasts <see cref="Span"/>; the watcher trusts it for <see cref="Trust"/>,
/// short of that so that a push sent just before it lapsed is in, and renews it behind its answers once it is
/// older than its own renewal age, at most half the span, so a renewal has time to fail and be retried.
/// </summary>
public sealed class WatchTerms
{
    /// <summary>How long an entity, or a replica, pushes to a watcher after it took the watch.</summary>
    public static readonly TimeSpan Span = TimeSpan.FromMinutes(5);

    /// <summary>How long a watcher trusts a watch it took.</summary>
    public static readonly TimeSpan Trust = Span * 0.9;

    private readonly long _renewTicks;
    private readonly long _trustTicks;

    /// <param name="renewAfter">The watcher's renewal age; held to at most half of <see cref="Span"/>.</param>
    /// <param name="ticksPerSecond">The frequency of the timestamps the watcher passes to <see cref="Of"/>.</param>
    public WatchTerms(TimeSpan renewAfter, long ticksPerSecond)
    {
        RenewAfter = renewAfter < Span / 2 ? renewAfter : Span / 2;
        _renewTicks = (long)(RenewAfter.TotalSeconds * ticksPerSecond);
        _trustTicks = (long)(Trust.TotalSeconds * ticksPerSecond);
    }

    public TimeSpan RenewAfter { get; }

    /// <param name="watchedAt">When the watch was taken, in the watcher's timestamps; 0 when none is known to hold.</param>
    public WatchStanding Of(long watchedAt, long now)
    {
        if (watchedAt == 0) return WatchStanding.Lapsed;
        var age = now - watchedAt;
        return age >= _trustTicks ? WatchStanding.Lapsed : age >= _renewTicks ? WatchStanding.Renew : WatchStanding.Fresh;
    }
}
