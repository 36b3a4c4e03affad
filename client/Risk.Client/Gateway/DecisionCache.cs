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
    private readonly record struct Entry(Decision Decision, Stamp Stamp, long At);

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
        // The entry holds its entities' grain keys: a hit looks their versions up without encoding the ids again.
        if (_entries.TryGetValue((account, ip, proxy), out var e)
            && e.Stamp.Epoch == Volatile.Read(ref _epoch)
            && e.Stamp.AccountVersion == Version(EntityKind.Account, e.Stamp.Account)
            && e.Stamp.IpVersion == Version(EntityKind.Ip, e.Stamp.Ip)
            && e.Stamp.ProxyVersion == Version(EntityKind.Proxy, e.Stamp.Proxy)
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

    /// <param name="stamp">Taken before the decision was asked for, so a push that raced with it wins.</param>
    public void Put(string account, string? ip, string? proxy, Decision decision, Stamp stamp)
    {
        // Bounded: when full, start again rather than grow; the hot decisions come straight back.
        if (_entries.Count >= capacity) _entries.Clear();
        _entries[(account, ip, proxy)] = new Entry(decision, stamp, Stopwatch.GetTimestamp());
    }

    /// <summary>The entities' grain keys, with their versions and the policy epoch now.</summary>
    public Stamp StampOf(string account, string? ip, string? proxy)
    {
        var (a, i, p) = (GrainKeys.Account(account), ip is null ? null : GrainKeys.Ip(ip), proxy is null ? null : GrainKeys.Proxy(proxy));
        return new(Volatile.Read(ref _epoch), a, Version(EntityKind.Account, a), i, Version(EntityKind.Ip, i), p, Version(EntityKind.Proxy, p));
    }

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
    private long Version(EntityKind kind, string? key) => key is null || _versions.IsEmpty ? 0 : _versions.GetValueOrDefault((kind, key));
}

/// <summary>What a miss reads before it asks: its entities' grain keys, their versions, and the policy epoch.</summary>
public readonly record struct Stamp(long Epoch, string Account, long AccountVersion, string? Ip, long IpVersion, string? Proxy, long ProxyVersion);
