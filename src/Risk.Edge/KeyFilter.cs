using System.Runtime.InteropServices;

namespace Risk.Edge;

/// <summary>
/// A Bloom filter over 64-bit key hashes: <see cref="MayContain"/> is never false for a key that was added, and
/// true for one that was not at a rate that grows with the keys added (about 1 % at one key per 9.6 bits). Its
/// bytes are what is stored, so the probe layout below must not change for a table already in use.
/// </summary>
public sealed class KeyFilter
{
    public const int Probes = 7;

    private readonly ulong[] _words;
    private readonly ulong _mask;

    /// <param name="bits">A power of two, at least 64.</param>
    public KeyFilter(int bits) : this(new ulong[bits / 64]) { }

    private KeyFilter(ulong[] words)
    {
        if (words.Length == 0 || !ulong.IsPow2((ulong)words.Length)) throw new ArgumentException("a filter's bits must be a power of two, at least 64", nameof(words));
        _words = words;
        _mask = (ulong)words.Length * 64 - 1;
    }

    /// <summary>A filter from <see cref="ToBytes"/>.</summary>
    public static KeyFilter FromBytes(byte[] bytes) => new(MemoryMarshal.Cast<byte, ulong>(bytes).ToArray());

    public int Bits => _words.Length * 64;

    public bool MayContain(ulong hash)
    {
        var (position, step) = Start(hash);
        for (var i = 0; i < Probes; i++, position += step)
            if ((_words[(position & _mask) >> 6] & (1UL << (int)(position & 63))) == 0) return false;
        return true;
    }

    public void Add(ulong hash)
    {
        var (position, step) = Start(hash);
        for (var i = 0; i < Probes; i++, position += step) _words[(position & _mask) >> 6] |= 1UL << (int)(position & 63);
    }

    /// <summary>A copy of the bits, as stored.</summary>
    public byte[] ToBytes() => MemoryMarshal.AsBytes(_words.AsSpan()).ToArray();

    /// <summary>Double hashing (Kirsch and Mitzenmacher): probe i is at h1 + i·h2, with h2 odd.</summary>
    private static (ulong Position, ulong Step) Start(ulong hash) => (hash >> 32, ((hash >> 6) & 0x3FFFFFF) | 1);
}
