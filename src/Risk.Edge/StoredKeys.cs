using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// How an entity's key maps into the filter of keys that may have a record (<see cref="IStoredKeysGrain"/>): the
/// silos' storage and the gateways' copies of the filter must agree, and a table already in use depends on it.
/// </summary>
public static class StoredKeys
{
    public const int Shards = 64;

    /// <summary>64 KB a shard, 4 MB in all: a false "maybe" for about 1 % of keys up to 3.3 million stored keys, 5 % at 5.6 million.</summary>
    public const int BitsPerShard = 1 << 19;

    /// <param name="stateName">The grain's state name: "account", "ip", "proxy", "cluster".</param>
    public static ulong Hash(string stateName, GrainId grainId) => StableHash64.Of(stateName, grainId.ToString());

    public static int ShardOf(ulong hash) => (int)(hash % Shards);

    /// <summary>The state name of an entity grain, as its <c>PersistentState</c> names it.</summary>
    public static string StateName(EntityKind kind) => kind switch
    {
        EntityKind.Account => "account",
        EntityKind.Ip => "ip",
        _ => "proxy",
    };
}
