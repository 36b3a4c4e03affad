using Risk.Contracts;
using Risk.Edge;

namespace Risk.Client.Gateway;

/// <summary>
/// A gateway's copy of the silos' filter of entities ever heard of (<see cref="IStoredKeysGrain"/>): a key enters it
/// when its entity is first read, before that entity takes an event or an override, and never leaves. What the copy
/// has never seen had nothing as of its last refresh, so the gateway decides on it at once with the empty risk
/// that entity would give, rather than wait for its first activation on a silo busy with ingest, and watches it
/// behind the answer. Refreshed from each shard's log of added keys (the whole 64 KB shard when the copy is new, or
/// the shard's activation changed or its log no longer reaches back). Until every shard has been read once, every
/// entity may exist.
/// </summary>
public sealed class KnownEntities(IGrainFactory grains)
{
    private readonly KeyFilter?[] _shards = new KeyFilter?[StoredKeys.Shards];
    private readonly (long Epoch, long Position)[] _read = new (long, long)[StoredKeys.Shards];
    private int _loaded;

    /// <summary>Whether every shard has been read once; until then <see cref="MayExist"/> is always true.</summary>
    public bool Loaded => Volatile.Read(ref _loaded) == StoredKeys.Shards;

    /// <summary>False only when the entity had surely never been heard of at the last refresh.</summary>
    public bool MayExist(EntityKind kind, string key)
    {
        if (!Loaded) return true;
        var hash = StoredKeys.Hash(StoredKeys.StateName(kind), grains.Entity(kind, key).GetGrainId());
        return _shards[StoredKeys.ShardOf(hash)]!.MayContain(hash);
    }

    /// <summary>Reads every shard's keys added since the last refresh. One refresh at a time.</summary>
    public Task Refresh() => Task.WhenAll(Enumerable.Range(0, StoredKeys.Shards).Select(Refresh));

    private async Task Refresh(int shard)
    {
        var (epoch, position) = _read[shard];
        var since = await grains.GetGrain<IStoredKeysGrain>(shard).Since(epoch, position);
        if (since.Bits is { } bits)
        {
            // A new filter, published whole: decisions read it meanwhile from other threads.
            var first = _shards[shard] is null;
            Volatile.Write(ref _shards[shard], KeyFilter.FromBytes(bits));
            if (first) Interlocked.Increment(ref _loaded);
        }
        else
        {
            // Bits only ever turn on, so a reader racing these adds sees a key as absent or present, never a wrong "absent"
            // for a key it saw before.
            var filter = _shards[shard]!;
            foreach (var hash in since.Added) filter.Add(hash);
        }
        _read[shard] = (since.Epoch, since.Position);
    }
}
