using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Risk.Edge;

/// <summary>
/// Hashes that are the same in every process and on every silo (string.GetHashCode is not): XxHash64 of the
/// UTF-8 bytes, seeded by the hash of a kind. Several run per event, so short texts are encoded on the stack and
/// each kind's seed is computed once.
/// </summary>
public static class StableHash64
{
    private const int StackBytes = 512;
    private static readonly ConcurrentDictionary<string, long> Seeds = new(StringComparer.Ordinal);

    public static ulong Of(string text) => Hash(text, 0);

    public static ulong Of(string kind, string text) => Hash(text, Seed(kind));

    /// <summary>The same as <c>Of(kind, number.ToString())</c>, without the string.</summary>
    public static ulong Of(string kind, long number)
    {
        Span<char> digits = stackalloc char[20];
        number.TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
        return Hash(digits[..length], Seed(kind));
    }

    private static long Seed(string kind) => Seeds.TryGetValue(kind, out var seed) ? seed : Seeds[kind] = (long)Hash(kind, 0);

    private static ulong Hash(ReadOnlySpan<char> text, long seed)
    {
        if (Encoding.UTF8.GetMaxByteCount(text.Length) > StackBytes)
        {
            var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
            Encoding.UTF8.GetBytes(text, bytes);
            return XxHash64.HashToUInt64(bytes, seed);
        }
        Span<byte> utf8 = stackalloc byte[StackBytes];
        var n = Encoding.UTF8.GetBytes(text, utf8);
        return XxHash64.HashToUInt64(utf8[..n], seed);
    }
}
