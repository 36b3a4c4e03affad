using System.Collections.Concurrent;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Client.Gateway;

/// <summary>
/// What a gateway holds to answer without a call: decisions by (account, ip, proxy), and each asked entity's risk as
/// its replica last pushed it. Invalidation is O(1): a push bumps its entity's version, and a cached decision
/// remembers the versions it was made with; a policy change drops them all. A decision that is gone is made again
/// from the held risks, and only an entity whose risk is not held (or whose watch may have lapsed) is asked for.
/// It also keeps the gateway's copy of the policy, which the pushes bring. Both tables are bounded by the capacity.
/// </summary>
public sealed class DecisionCache : IDecisionObserver, IPolicyObserver
{
    /// <param name="Shadow">The shadow policy's action for the same risks; null when none was in force.</param>
    private readonly record struct Entry(Decision Decision, DecisionAction? Shadow, Stamp Stamp, long At);

    /// <param name="Version">The push count when it was last pushed: a stamp taken before a push differs.</param>
    /// <param name="Risk">Null when unknown, or when the replica went (and the watch with it).</param>
    /// <param name="WatchedAt">When this gateway's latest watch of the replica began; 0 if none.</param>
    private sealed record Held(long Version, EntityRisk? Risk, long WatchedAt);

    private readonly ConcurrentDictionary<(string Account, string? Ip, string? Proxy), Entry> _entries = new();
    private readonly ConcurrentDictionary<(EntityKind, string), Held> _entities = new();
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    /// <summary>
    /// A held risk is read again behind the answers once it is as old as a cached decision may be: the TTL bounds
    /// both, should a push be lost (a replica's silo crashing takes its "I am going" with it).
    /// </summary>
    private readonly WatchTerms _terms;
    private long _epoch;
    private long _pushes;
    /// <summary>How often the entities were dropped: an entity not held has version -_forgets.</summary>
    private long _forgets;

    public long Hits;
    public long Misses;
    public long Invalidations;
    /// <summary>Risks that replicas pushed here.</summary>
    public long Pushes;

    /// <param name="ttl">Held to at most half of <see cref="WatchTerms.Span"/>: nothing may outlive the watches that keep it fresh, and renewals keep them.</param>
    public DecisionCache(int capacity, TimeSpan ttl, TimeProvider? time = null)
    {
        _capacity = capacity;
        _time = time ?? TimeProvider.System;
        _terms = new WatchTerms(ttl, _time.TimestampFrequency);
        _ttlTicks = (long)(_terms.RenewAfter.TotalSeconds * _time.TimestampFrequency);
    }

    public int Count => _entries.Count;

    /// <summary>Entities whose risk (or only push count) this gateway holds.</summary>
    public int EntityCount => _entities.Count;

    /// <summary>The policy as this gateway knows it; null until the first push or read.</summary>
    public LatestPolicy Policy { get; } = new();

    /// <summary>The shadow policy as this gateway knows it, and what its decisions would have been under it.</summary>
    public ShadowComparison Shadow { get; } = new();

    public long Now => _time.GetTimestamp();

    public bool TryGet(string account, string? ip, string? proxy, out Decision decision) => TryGet(account, ip, proxy, out decision, out _);

    /// <param name="shadow">The shadow policy's action cached with the decision; null when none was in force.</param>
    public bool TryGet(string account, string? ip, string? proxy, out Decision decision, out DecisionAction? shadow)
    {
        // The entry holds its entities' grain keys: a hit looks their versions up without encoding the ids again.
        if (_entries.TryGetValue((account, ip, proxy), out var e)
            && e.Stamp.Epoch == Volatile.Read(ref _epoch)
            && e.Stamp.AccountVersion == VersionOf(EntityKind.Account, e.Stamp.Account)
            && e.Stamp.IpVersion == VersionOf(EntityKind.Ip, e.Stamp.Ip)
            && e.Stamp.ProxyVersion == VersionOf(EntityKind.Proxy, e.Stamp.Proxy)
            && Now - e.At < _ttlTicks)
        {
            Interlocked.Increment(ref Hits);
            (decision, shadow) = (e.Decision, e.Shadow);
            return true;
        }
        Interlocked.Increment(ref Misses);
        (decision, shadow) = (null!, null);
        return false;
    }

    /// <param name="stamp">Taken before the decision was asked for, so a push that raced with it wins.</param>
    /// <param name="shadow">The shadow policy's action for the same risks, answered with every hit; null when none is in force.</param>
    public void Put(string account, string? ip, string? proxy, Decision decision, Stamp stamp, DecisionAction? shadow = null)
    {
        // Bounded: when full, start again rather than grow; the hot decisions come straight back.
        if (_entries.Count >= _capacity) _entries.Clear();
        _entries[(account, ip, proxy)] = new Entry(decision, shadow, stamp, Now);
    }

    /// <summary>The entities' grain keys, with their versions and the policy epoch now.</summary>
    /// <param name="canonicalIp">The IP as <see cref="GrainKeys.NormalizeIp"/> gave it.</param>
    public Stamp StampOf(string account, string? canonicalIp, string? proxy)
    {
        var (a, i, p) = (GrainKeys.Account(account), canonicalIp is null ? null : GrainKeys.CanonicalIp(canonicalIp), proxy is null ? null : GrainKeys.Proxy(proxy));
        return new(Volatile.Read(ref _epoch), a, VersionOf(EntityKind.Account, a), i, VersionOf(EntityKind.Ip, i), p, VersionOf(EntityKind.Proxy, p));
    }

    /// <summary>
    /// The entity's risk as held, while this gateway's watch of its replica holds, so that every change reaches it;
    /// null otherwise, and the caller asks the replica. <paramref name="renew"/> says it is as old as the TTL.
    /// </summary>
    public EntityRisk? HeldRisk(EntityKind kind, string key, out bool renew)
    {
        renew = false;
        if (!_entities.TryGetValue((kind, key), out var held) || held.Risk is null) return null;
        // Never watched (0, so Lapsed): a push alone, for an entity this gateway no longer asks about, says nothing of the watch.
        var standing = _terms.Of(held.WatchedAt, Now);
        if (standing == WatchStanding.Lapsed) return null;
        renew = standing == WatchStanding.Renew;
        return held.Risk;
    }

    /// <summary>
    /// Keeps what a watch begun at <paramref name="watchedAt"/> returned, unless a push came since
    /// <paramref name="version"/> was read: the push is then newer, and only the watch's renewal is kept.
    /// </summary>
    public void Adopt(EntityKind kind, string key, long version, EntityRisk risk, long watchedAt)
    {
        Bound();
        _entities.AddOrUpdate((kind, key),
            static (_, a) => new Held(a.absent, a.version == a.absent ? a.risk : null, a.watchedAt),
            static (_, held, a) => held.Version != a.version ? held with { WatchedAt = Math.Max(held.WatchedAt, a.watchedAt) }
                // A renewal that finds the risk moved (a push lost on the way) drops the decisions made from it.
                : new Held(held.Risk is null || Same(held.Risk, a.risk) ? held.Version : a.cache.NextVersion(), a.risk, Math.Max(held.WatchedAt, a.watchedAt)),
            (version, risk, watchedAt, absent: Absent, cache: this));
    }

    /// <summary>A replica's push: the entity's risk now, or null when the replica went and its watches with it.</summary>
    public Task Changed(EntityKind kind, string key, EntityRisk? risk)
    {
        var version = NextVersion();
        Bound();
        _entities.AddOrUpdate((kind, key),
            static (_, a) => new Held(a.version, a.risk, 0),
            static (_, held, a) => new Held(a.version, a.risk, a.risk is null ? 0 : held.WatchedAt),
            (version, risk));
        Interlocked.Increment(ref Invalidations);
        Interlocked.Increment(ref Pushes);
        return Task.CompletedTask;
    }

    public Task PolicyChanged(RiskPolicy policy)
    {
        if (Policy.Apply(policy).Changed) Clear();
        return Task.CompletedTask;
    }

    /// <summary>Cached decisions carry the old shadow's action, or none: they are made again, from the held risks.</summary>
    public Task ShadowChanged(ShadowPolicy shadow)
    {
        if (Shadow.Apply(shadow)) Clear();
        return Task.CompletedTask;
    }

    /// <summary>Drops every cached decision at once; the entities' risks are kept.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _epoch);
        Interlocked.Increment(ref Invalidations);
    }

    /// <summary>Drops every entity's risk, and with their versions every cached decision: each is asked for again.</summary>
    public void Forget()
    {
        Interlocked.Increment(ref _forgets);
        _entities.Clear();
        Clear();
    }

    /// <summary>
    /// Versions are kept by grain key, the form pushes arrive in. Never the same twice for one entity: pushes count
    /// up from 1, and an entity not held counts down as the table is dropped, so a stamp taken before either differs.
    /// </summary>
    public long VersionOf(EntityKind kind, string? key) => key is not null && _entities.TryGetValue((kind, key), out var held) ? held.Version : Absent;

    private long Absent => -Volatile.Read(ref _forgets);

    private long NextVersion() => Interlocked.Increment(ref _pushes);

    private static bool Same(EntityRisk a, EntityRisk b) =>
        a.Score == b.Score && a.Override == b.Override && a.PolicyVersion == b.PolicyVersion && a.Reasons.SequenceEqual(b.Reasons);

    /// <summary>When full, start again rather than grow, as the decisions do.</summary>
    private void Bound()
    {
        if (_entities.Count >= _capacity) Forget();
    }
}

/// <summary>What a miss reads before it asks: its entities' grain keys, their versions, and the policy epoch.</summary>
public readonly record struct Stamp(long Epoch, string Account, long AccountVersion, string? Ip, long IpVersion, string? Proxy, long ProxyVersion);
