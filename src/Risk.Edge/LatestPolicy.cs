using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// A local copy of the policy fed by pushes and reads that may arrive out of order: it never steps back to an
/// older version. Each silo and each gateway keeps one, so a decision never waits on the policy grain.
/// </summary>
public sealed class LatestPolicy
{
    private volatile PolicyView? _current;
    private volatile PolicyView? _previous;

    /// <summary>Null until the first policy arrives.</summary>
    public PolicyView? Current => _current;

    /// <summary>
    /// The version <see cref="Current"/> replaced: a gateway decides under it, wholly, while the risks it holds are
    /// still weighed under it and being read again under the current one.
    /// </summary>
    public PolicyView? Previous => _previous;

    /// <summary>The view of <paramref name="version"/> if it is the current or the previous one.</summary>
    public PolicyView? Of(long version) =>
        _current is { } current && current.Version == version ? current
        : _previous is { } previous && previous.Version == version ? previous
        : null;

    /// <returns>The view in effect afterwards, and whether <paramref name="policy"/> replaced an older one.</returns>
    public (PolicyView View, bool Changed) Apply(RiskPolicy policy)
    {
        while (true)
        {
            var seen = _current;
            if (seen is not null && seen.Version >= policy.Version) return (seen, false);
            var next = new PolicyView(policy);
            if (Interlocked.CompareExchange(ref _current, next, seen) != seen) continue;
            _previous = seen;
            return (next, true);
        }
    }
}
