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

    /// <summary>
    /// The keys added since <paramref name="position"/> of this activation's log (<paramref name="epoch"/>), for a copy
    /// of the filter kept elsewhere; the whole filter instead when the epoch is another or the log no longer reaches back.
    /// </summary>
    [Alias("Since")]
    Task<KeysSince> Since(long epoch, long position);
}

/// <summary>A shard's answer to <see cref="IStoredKeysGrain.Since"/>.</summary>
/// <param name="Epoch">The shard activation's log; a copy from another starts over from <paramref name="Bits"/>.</param>
/// <param name="Position">Where the next ask starts.</param>
/// <param name="Bits">The whole filter, when the copy must start over; else null.</param>
/// <param name="Added">The keys' hashes added since the position asked, when <paramref name="Bits"/> is null.</param>
[GenerateSerializer, Immutable, Alias("risk.keys-since")]
public sealed record KeysSince([property: Id(0)] long Epoch, [property: Id(1)] long Position, [property: Id(2)] byte[]? Bits, [property: Id(3)] ulong[] Added);
