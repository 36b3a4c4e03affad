using Risk.Contracts;
using Risk.Edge;

namespace Risk.Client.Gateway;

/// <summary>
/// The shadow policy as this gateway knows it, and what its decisions would have been under it. Comparing costs one
/// more <see cref="DecisionRules.Decide"/> from risks already at hand and a counter increment: no call. The counts go to
/// the <see cref="IShadowReportGrain"/> every few seconds (<see cref="Take"/>), so the decision path never waits on it.
/// </summary>
public sealed class ShadowComparison
{
    /// <summary>One shadow and what was counted under it since the last report.</summary>
    private sealed class Run(ShadowPolicy shadow)
    {
        public ShadowPolicy Shadow { get; } = shadow;
        public ShadowTally Tally { get; } = new();
        private volatile ShadowCandidate? _candidate;

        /// <summary>The candidate over <paramref name="live"/>: made again only when the live version changes.</summary>
        public ShadowCandidate Over(PolicyView live) =>
            _candidate is { } c && ReferenceEquals(c.Live, live) ? c : _candidate = new ShadowCandidate(Shadow, live);
    }

    private readonly Lock _gate = new();
    private volatile Run? _run;
    /// <summary>Runs replaced or ended whose counts have not all been reported yet.</summary>
    private readonly List<Run> _retired = [];

    /// <summary>The latest shadow heard of, in force or ended; null if none.</summary>
    public ShadowPolicy? Current => _run?.Shadow;

    /// <summary>
    /// Takes a shadow as pushed or read; pushes and reads may arrive out of order, so a later shadow (or the end of
    /// this one) is never undone by an earlier word.
    /// </summary>
    /// <returns>Whether what is compared changed: decisions cached under the old shadow must be made again.</returns>
    public bool Apply(ShadowPolicy shadow)
    {
        lock (_gate)
        {
            if (_run is { } run && (shadow.Id < run.Shadow.Id || shadow.Id == run.Shadow.Id && (shadow.Active || !run.Shadow.Active))) return false;
            if (_run is not null) _retired.Add(_run);
            _run = new Run(shadow);
            return true;
        }
    }

    /// <summary>
    /// The candidate's action for the risks a live decision was made from, counted against it; null when no shadow is in
    /// force. <paramref name="live"/> is the policy the decision was made under.
    /// </summary>
    public DecisionAction? Compare(PolicyView live, Decision decision, string account, EntityRisk accountRisk, EntityRisk? ip, EntityRisk? proxy)
    {
        if (_run is not { Shadow.Active: true } run) return null;
        var action = run.Over(live).Decide(accountRisk, ip, proxy);
        run.Tally.Count(decision.Action, action, account);
        return action;
    }

    /// <summary>A cached decision answered again, with the candidate's action it was cached with.</summary>
    public void Count(Decision decision, DecisionAction? candidate, string account)
    {
        if (candidate is { } action && _run is { Shadow.Active: true } run) run.Tally.Count(decision.Action, action, account);
    }

    /// <summary>What was counted since the last call, per shadow; a report that fails goes back with <see cref="Restore"/>.</summary>
    public IReadOnlyList<(long ShadowId, ShadowCounts Counts)> Take()
    {
        lock (_gate)
        {
            var taken = new List<(long, ShadowCounts)>();
            foreach (var run in _run is null ? [.. _retired] : (Run[])[.. _retired, _run])
            {
                var counts = run.Tally.Take();
                // A decision that began before the run was retired may still count into it: it goes once nothing is left.
                if (counts.Compared == 0 && counts.Changed.Count == 0) _retired.Remove(run);
                else taken.Add((run.Shadow.Id, counts));
            }
            return taken;
        }
    }

    /// <summary>Counts that could not be reported, for the next report.</summary>
    public void Restore(long shadowId, ShadowCounts counts)
    {
        lock (_gate)
        {
            var run = _run?.Shadow.Id == shadowId ? _run : _retired.Find(r => r.Shadow.Id == shadowId);
            run?.Tally.Add(counts);
        }
    }
}

/// <summary>Counts per pair of actions and a few example accounts, updated by many decisions at once.</summary>
internal sealed class ShadowTally
{
    private const int Actions = 4;
    private long _compared;
    private readonly long[] _pairs = new long[Actions * Actions];
    private readonly List<string>?[] _examples = new List<string>?[Actions * Actions];

    public void Count(DecisionAction live, DecisionAction candidate, string account)
    {
        Interlocked.Increment(ref _compared);
        if (live == candidate) return;
        var pair = (int)live * Actions + (int)candidate;
        Interlocked.Increment(ref _pairs[pair]);
        // Past the first few accounts of a pair, nothing is taken but the count: no lock on the hot path.
        if (Volatile.Read(ref _examples[pair]) is { Count: >= ShadowCounts.ExamplesPerPair }) return;
        lock (_examples)
        {
            var examples = _examples[pair] ??= [];
            if (examples.Count < ShadowCounts.ExamplesPerPair && !examples.Contains(account)) examples.Add(account);
        }
    }

    public ShadowCounts Take()
    {
        var compared = Interlocked.Exchange(ref _compared, 0);
        var changed = new List<ShadowPair>();
        lock (_examples)
        {
            for (var pair = 0; pair < _pairs.Length; pair++)
            {
                var count = Interlocked.Exchange(ref _pairs[pair], 0);
                var examples = _examples[pair];
                _examples[pair] = null;
                if (count > 0) changed.Add(new ShadowPair((DecisionAction)(pair / Actions), (DecisionAction)(pair % Actions), count, examples ?? []));
            }
        }
        return new ShadowCounts(compared, changed);
    }

    public void Add(ShadowCounts counts)
    {
        Interlocked.Add(ref _compared, counts.Compared);
        foreach (var p in counts.Changed)
        {
            var pair = (int)p.Live * Actions + (int)p.Candidate;
            Interlocked.Add(ref _pairs[pair], p.Count);
            lock (_examples)
            {
                var examples = _examples[pair] ??= [];
                foreach (var account in p.Examples)
                    if (examples.Count < ShadowCounts.ExamplesPerPair && !examples.Contains(account)) examples.Add(account);
            }
        }
    }
}
