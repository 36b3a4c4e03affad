namespace Risk.Contracts;

/// <summary>
/// One shard of the filter of storage keys that may have a record (the grains' storage skips reads for keys it has never seen). A key is in it
/// durably before its record's first write, so a key it has never seen has no record and needs no read.
/// </summary>
[Alias("Risk.IStoredKeysGrain")]
public interface IStoredKeysGrain : IGrainWithIntegerKey
{
    /// <summary>Whether a record may be stored under the key. Either way the key counts from now on as one that may be.</summary>
    [Alias("Claim")]
    Task<bool> Claim(ulong hash);

    /// <summary>Completes once the key is stored among those that may have a record: a record's first write waits for it.</summary>
    [Alias("Register")]
    Task Register(ulong hash);
}
