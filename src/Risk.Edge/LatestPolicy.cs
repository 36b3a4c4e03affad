using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// A local copy of the policy fed by pushes and reads that may arrive out of order: it never steps back to an
/// older version. Each silo and each gateway keeps one, so a decision never waits on the policy grain.
/// </summary>
public sealed class LatestPolicy
{
    private volatile PolicyView? _current;

    /// <summary>Null until the first policy arrives.</summary>
    public PolicyView? Current => _current;

    /// <returns>The view in effect afterwards, and whether <paramref name="policy"/> replaced an older one.</returns>
    public (PolicyView View, bool Changed) Apply(RiskPolicy policy)
    {
        while (true)
        {
            var seen = _current;
            if (seen is not null && seen.Version >= policy.Version) return (seen, false);
            var next = new PolicyView(policy);
            if (Interlocked.CompareExchange(ref _current, next, seen) == seen) return (next, true);
        }
    }
}
