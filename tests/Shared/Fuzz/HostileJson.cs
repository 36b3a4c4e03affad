using System.Globalization;
using System.Text;
using CsCheck;

namespace Risk.Tests.Fuzz;

/// <summary>
/// Inputs with no structure to respect: raw bytes, a soup of JSON's own characters, and random JSON trees whose keys
/// are mostly the event contract's. Each is a different depth of hostility: the first dies in the tokenizer, the
/// second in the grammar, the third only in the field rules.
/// </summary>
public static class HostileJson
{
    /// <summary>The fields of the event contract, as a tree's keys and as names a refusal may give.</summary>
    public static readonly string[] ContractFields =
        ["ts", "account", "ip", "proxy", "asn", "ja4", "payment", "tier", "accountCreated", "model", "prompt", "inTokens", "outTokens", "id"];

    public static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (6, Gen.Byte.Array[0, 300]),
        // Past the line limit, so the length check is walked as well as the parser.
        (1, Gen.Byte.Array[65_000, 67_000]));

    /// <summary>Characters JSON is made of, a few letters of the contract, and bytes that are not UTF-8.</summary>
    public static readonly Gen<byte[]> Soup = Gen.Frequency(
            (12, Gen.Byte[(byte)' ', (byte)'~']),
            (20, Gen.OneOf("{}[]\":,\\\"{\"\"}"u8.ToArray())),
            (4, Gen.OneOf("0123456789-+.eE"u8.ToArray())),
            (4, Gen.OneOf("tsaccountipZTu"u8.ToArray())),
            (2, Gen.Byte[0x80, 0xFF]),
            (1, Gen.OneOf("\n\r\t\0"u8.ToArray())))
        .Array[0, 200];

    /// <summary>A string, any UTF-16 (lone surrogates included), or one of the values that have broken parsers before.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.Char['a', 'z'].Array[0, 12].Select(a => new string(a))),
        (2, Gen.Char.Array[0, 30].Select(a => new string(a))),
        (2, Gen.OneOf(
            "", " ", "\ud800", "a\udc00b", "\ud800\ud800", "\udbff\udfff", "\ud83d\ude00", "\0", "\u001f", "\"", "\\", "\u2028",
            "\ufeff", "\uffff", "\ufffd", "ß", "İ", "2026-03-02T10:00:00Z", "10.0.0.1", "::ffff:10.0.0.1", "edu", "null", "{}")),
        (1, Gen.Int[500, 12_000].Select(n => new string('x', n))));

    public static readonly Gen<string> Number = Gen.Frequency(
        (3, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Long.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("-0", "0.0", "1e400", "-1e400", "1E2", "2147483648", "-2147483649", "99999999999999999999999999", "5e-324")));

    /// <summary>A random JSON value, at most <paramref name="depth"/> levels of arrays and objects deep.</summary>
    public static Gen<string> Value(int depth)
    {
        var leaf = Gen.Frequency(
            (4, Text.Select(Quote)),
            (2, Number),
            (1, Gen.OneOf("true", "false", "null")));
        if (depth == 0) return leaf;
        var inner = Value(depth - 1);
        return Gen.Frequency(
            (6, leaf),
            (1, inner.Array[0, 4].Select(items => $"[{string.Join(',', items)}]")),
            (1, Object(inner)));
    }

    /// <summary>A JSON object whose keys are mostly the contract's (and sometimes repeated), with values from <paramref name="values"/>.</summary>
    public static Gen<string> Object(Gen<string> values) =>
        Gen.Select(Gen.Frequency((3, Gen.OneOf(ContractFields)), (1, Text)), values, (key, value) => $"{Quote(key)}:{value}")
            .Array[0, 14].Select(members => $"{{{string.Join(',', members)}}}");

    /// <summary>
    /// Random JSON objects with the contract's keys: the input that reaches every field rule. Half open with a valid
    /// time, account and address (which later keys may repeat), so that the rules behind those are reached too.
    /// </summary>
    public static readonly Gen<string> Tree = Gen.Select(Gen.Bool, Object(Value(3)), (valid, tree) =>
        valid ? $"{{\"ts\":\"2026-03-02T10:00:00Z\",\"account\":\"a\",\"ip\":\"10.0.0.1\"{(tree.Length > 2 ? "," : "")}{tree[1..]}" : tree);

    /// <summary>
    /// <paramref name="s"/> as a JSON string literal. Only a lone surrogate is written as a \u escape: JSON carries it
    /// that way (UTF-8 cannot), and the reader must refuse it as text, not choke on it.
    /// </summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) sb.Append(c).Append(s[++i]);
            else if (char.IsSurrogate(c) || c < ' ') sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else if (c is '"' or '\\') sb.Append('\\').Append(c);
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Whether <paramref name="s"/> is text: no surrogate without its pair.</summary>
    public static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }

    /// <summary>The start of an input, for a failure's message: a 60 KB body helps nobody.</summary>
    public static string Show(byte[] utf8) =>
        utf8.Length <= 400 ? Encoding.UTF8.GetString(utf8) : $"{Encoding.UTF8.GetString(utf8, 0, 400)}... ({utf8.Length} bytes)";
}
