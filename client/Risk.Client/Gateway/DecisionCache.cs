using System.Collections.Concurrent;
using System.Diagnostics;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Client.Gateway;

/// <summary>
/// Decisions by (account, ip, proxy), kept fresh by push. Invalidation is O(1): each entity has a version that a
/// push bumps, and a cached decision remembers the versions it was made with; a policy change bumps them all.
/// It also keeps the gateway's copy of the policy, which the pushes bring.
/// </summary>
public sealed class DecisionCache(int capacity, TimeSpan ttl) : IDecisionObserver, IPolicyObserver
{
    private readonly record struct Entry(Decision Decision, long Epoch, long Account, long Ip, long Proxy, long At);

    private readonly ConcurrentDictionary<(string Account, string? Ip, string? Proxy), Entry> _entries = new();
    private readonly ConcurrentDictionary<(EntityKind, string), long> _versions = new();
    private readonly long _ttlTicks = (long)(ttl.TotalSeconds * Stopwatch.Frequency);
    private long _epoch;

    public long Hits;
    public long Misses;
    public long Invalidations;

    public int Count => _entries.Count;

    /// <summary>The policy as this gateway knows it; null until the first push or read.</summary>
    public LatestPolicy Policy { get; } = new();

    public bool TryGet(string account, string? ip, string? proxy, out Decision decision)
    {
        if (_entries.TryGetValue((account, ip, proxy), out var e)
            && e.Epoch == Volatile.Read(ref _epoch)
            && e.Account == Version(EntityKind.Account, account)
            && e.Ip == Version(EntityKind.Ip, ip)
            && e.Proxy == Version(EntityKind.Proxy, proxy)
            && Stopwatch.GetTimestamp() - e.At < _ttlTicks)
        {
            Interlocked.Increment(ref Hits);
            decision = e.Decision;
            return true;
        }
        Interlocked.Increment(ref Misses);
        decision = null!;
        return false;
    }

    /// <param name="versions">The entity versions read before the decision was asked for, so a push that raced with it wins.</param>
    public void Put(string account, string? ip, string? proxy, Decision decision, (long Epoch, long Account, long Ip, long Proxy) versions)
    {
        // Bounded: when full, start again rather than grow; the hot decisions come straight back.
        if (_entries.Count >= capacity) _entries.Clear();
        _entries[(account, ip, proxy)] = new Entry(decision, versions.Epoch, versions.Account, versions.Ip, versions.Proxy, Stopwatch.GetTimestamp());
    }

    public (long Epoch, long Account, long Ip, long Proxy) Versions(string account, string? ip, string? proxy) =>
        (Volatile.Read(ref _epoch), Version(EntityKind.Account, account), Version(EntityKind.Ip, ip), Version(EntityKind.Proxy, proxy));

    public Task Invalidate(EntityKind kind, string key)
    {
        _versions.AddOrUpdate((kind, key), 1, (_, v) => v + 1);
        Interlocked.Increment(ref Invalidations);
        return Task.CompletedTask;
    }

    public Task PolicyChanged(RiskPolicy policy)
    {
        if (Policy.Apply(policy).Changed) Clear();
        return Task.CompletedTask;
    }

    /// <summary>Drops every cached decision at once.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _epoch);
        Interlocked.Increment(ref Invalidations);
    }

    /// <summary>Versions are kept by grain key, the form pushes arrive in.</summary>
    private long Version(EntityKind kind, string? id) => id is null || _versions.IsEmpty ? 0 : _versions.GetValueOrDefault((kind, kind switch
    {
        EntityKind.Account => GrainKeys.Account(id),
        EntityKind.Ip => GrainKeys.Ip(id),
        _ => GrainKeys.Proxy(id),
    }));
}
