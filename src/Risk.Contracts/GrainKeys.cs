using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Risk.Contracts;

/// <summary>
/// The one place where raw identifiers become grain keys.
/// <para>
/// Azure Table replaces <c>/ \ # ?</c> and control characters in keys with <c>_</c>, so "a/b" and "a_b"
/// would share one row. Keys are therefore escaped injectively before they become grain ids: letters, digits,
/// <c>. - : @</c> stay as they are, every other UTF-8 byte (including <c>_</c> itself) becomes <c>_XX</c>.
/// Escaped keys longer than <see cref="MaxEncodedLength"/> are replaced by a SHA-256 digest so the partition
/// key stays under Azure's 1 KiB limit; digests carry a <c>~</c>, which the escaping never produces.
/// </para>
/// </summary>
public static class GrainKeys
{
    public const int MaxEncodedLength = 240;

    public static string Account(string account) => Encode(account);

    public static string Ip(string ip) => Encode(NormalizeIp(ip) ?? ip);

    /// <summary>The grain key of an address already in canonical form (<see cref="NormalizeIp"/>'s answer), without parsing it again.</summary>
    public static string CanonicalIp(string canonicalIp) => Encode(canonicalIp);

    public static string Proxy(string proxy) => Encode(proxy);

    /// <summary>The grain key of an account, IP or proxy.</summary>
    public static string Of(EntityKind kind, string id) => kind switch
    {
        EntityKind.Account => Account(id),
        EntityKind.Ip => Ip(id),
        _ => Proxy(id),
    };

    public static string Encode(string raw)
    {
        var sb = new StringBuilder(raw.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in raw.EnumerateRunes())
        {
            if (rune.IsAscii && IsKept((char)rune.Value))
            {
                sb.Append((char)rune.Value);
                continue;
            }
            var n = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < n; i++) sb.Append('_').Append(utf8[i].ToString("X2"));
            if (sb.Length > MaxEncodedLength) break;
        }
        if (sb.Length <= MaxEncodedLength) return sb.ToString();
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(raw));
        return string.Concat(sb.ToString(0, 64), "~", Convert.ToHexString(digest));
    }

    /// <summary>The raw id behind a key; a digested key (too long to escape) is returned as it is.</summary>
    public static string Decode(string key)
    {
        if (key.Contains('~')) return key;
        var bytes = new List<byte>(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '_') { bytes.Add(Convert.ToByte(key.Substring(i + 1, 2), 16)); i += 2; }
            else bytes.Add((byte)key[i]);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Canonical text of an IP address: IPv6 in RFC 5952 form, IPv4-mapped IPv6 folded to IPv4. Null if not an IP.</summary>
    public static string? NormalizeIp(string text)
    {
        var span = text.AsSpan().Trim();
        // IPAddress.TryParse also takes shorthand such as "10.1" or "167772161"; only dotted quads count as IPv4.
        if (!span.Contains(':') && span.Count('.') != 3) return null;
        if (!IPAddress.TryParse(span, out var ip)) return null;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) ip.ScopeId = 0;
        // Most addresses arrive canonical already: then the text itself is the answer, and no string is made.
        Span<char> canonical = stackalloc char[64];
        return ip.TryFormat(canonical, out var length) && canonical[..length].SequenceEqual(text) ? text : ip.ToString();
    }

    private static bool IsKept(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '-' or ':' or '@';
}
