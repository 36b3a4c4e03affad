using System.IO.Hashing;
using System.Text;

namespace Risk.Scoring;

/// <summary>Hashes that are the same in every process and on every silo (string.GetHashCode is not).</summary>
public static class StableHash64
{
    public static ulong Of(string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));

    public static ulong Of(string kind, string text) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text), Seed(kind));

    private static long Seed(string kind) => (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(kind));
}
