using System.Globalization;
using System.Text;
using CsCheck;

namespace Risk.Tests.Fuzz;

/// <summary>What the event contract says must become of an event that carries a value.</summary>
public enum Effect
{
    /// <summary>The event stays valid.</summary>
    Harmless,
    /// <summary>The event must be refused, naming this member's field.</summary>
    Fatal,
    /// <summary>Either may happen (a repeated key, a time format the contract does not pin down); if refused, this field may be named.</summary>
    Either,
}

/// <summary>
/// One member of a generated event: its key and value as raw JSON bytes (so that a value can hold bytes that are not
/// UTF-8), and what the contract says it does to the event.
/// </summary>
/// <param name="Field">The field it sets, or a name of its own for a key outside the contract.</param>
/// <param name="Text">The value's text, where it is a string that decodes.</param>
/// <param name="BreaksJson">The value is not JSON at all: the whole line is refused as such.</param>
/// <param name="AgainstTs">Its effect holds against the base event's time only; another reading of ts may change it.</param>
public sealed record Member(string Field, byte[] Key, byte[] Value, Effect Effect, string? Text = null, bool BreaksJson = false, bool AgainstTs = false);

/// <summary>An event built from a valid one by hostile mutations, and the outcome its members call for.</summary>
/// <param name="Missing">The contract's fields it leaves out.</param>
public sealed record HostileEvent(Member[] Members, string[] Missing)
{
    private static readonly string[] Required = ["ts", "account", "ip"];

    public byte[] Utf8 { get; } = Write(Members);

    /// <summary>Members whose key is one of the contract's fields, with what they do together (a key given twice may go either way).</summary>
    private Dictionary<string, Effect> Effects { get; } = EffectsOf(Members);

    private static Dictionary<string, Effect> EffectsOf(Member[] members)
    {
        var effects = members.Where(m => HostileJson.ContractFields.Contains(m.Field))
            .GroupBy(m => m.Field)
            .ToDictionary(g => g.Key, g => g.Count() == 1 ? g.Single().Effect : g.All(m => m.Effect == Effect.Harmless) ? Effect.Harmless : Effect.Either);
        // A time judged against the event's own (an account opened after it) may go either way once ts may be read otherwise.
        if (effects.GetValueOrDefault("ts") != Effect.Harmless)
            foreach (var m in members.Where(m => m.AgainstTs && effects.GetValueOrDefault(m.Field) == Effect.Fatal))
                effects[m.Field] = Effect.Either;
        return effects;
    }

    public bool TooLong(int maxBytes) => Utf8.Length > maxBytes;

    public bool BreaksJson => Members.Any(m => m.BreaksJson);

    private bool Fatal => Effects.Values.Contains(Effect.Fatal) || Missing.Intersect(Required).Any();

    private bool AllHarmless => Effects.Values.All(e => e == Effect.Harmless) && !Missing.Intersect(Required).Any();

    /// <summary>The event reader must accept it.</summary>
    public bool MustBeAccepted(int maxBytes) => !TooLong(maxBytes) && !BreaksJson && AllHarmless;

    /// <summary>The event reader must refuse it.</summary>
    public bool MustBeRefused(int maxBytes) => TooLong(maxBytes) || BreaksJson || Fatal;

    /// <summary>Fields a refusal may name: the line's length, its syntax, or a field whose value is at fault.</summary>
    public bool MayBlame(string field, int maxBytes)
    {
        if (TooLong(maxBytes)) return field == "event";
        if (BreaksJson) return field == "json";
        if (Missing.Contains(field) && Required.Contains(field)) return true;
        if (!Effects.TryGetValue(field, out var effect)) return false;
        // Whether the account was opened after the event depends on the event's time as much as on its own.
        if (field == "accountCreated" && Effects.GetValueOrDefault("ts") != Effect.Harmless) return true;
        return effect != Effect.Harmless;
    }

    /// <summary>The text of the one member that sets <paramref name="field"/>, if it is a string that decodes.</summary>
    public string? TextOf(string field) => Members.Where(m => m.Field == field).ToArray() is [var only] ? only.Text : null;

    public override string ToString() => HostileJson.Show(Utf8);

    /// <summary>The fields whose values call for a refusal, and the required ones left out: what a failed check reports.</summary>
    public string Faults => string.Join(", ", Effects.Where(e => e.Value == Effect.Fatal).Select(e => e.Key)
        .Concat(Missing.Intersect(Required).Select(f => f + " (missing)")));

    private static byte[] Write(Member[] members)
    {
        var json = new List<byte>((int)members.Sum(m => (long)m.Key.Length + m.Value.Length + 2) + 2) { (byte)'{' };
        for (var i = 0; i < members.Length; i++)
        {
            if (i > 0) json.Add((byte)',');
            json.AddRange(members[i].Key);
            json.Add((byte)':');
            json.AddRange(members[i].Value);
        }
        json.Add((byte)'}');
        return [.. json];
    }
}

/// <summary>
/// Events in the contract with hostile mutations: wrong types, numbers out of range, nested values, lone surrogate
/// escapes, bytes that are not UTF-8, 10,000-character strings, odd timestamps, keys given twice, nulls, missing
/// fields, and keys outside the contract. Each member knows what it must do to the event, so a property can
/// assert the outcome and the field a refusal names, not just that nothing threw.
/// </summary>
/// <remarks>
/// Keys outside the contract are spelt so that no future optional field can take them (<c>x-fuzz-</c>, case and
/// spacing variants of real ones): a field the contract grows must not turn a harmless member into a fatal one.
/// </remarks>
public static class HostileEvents
{
    /// <summary>The reference time of the base event: every valid time here is before it, and after every valid accountCreated.</summary>
    public const string ValidTs = "2026-03-02T10:00:00Z";

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Key(string field) => U(HostileJson.Quote(field));

    private static Member Raw(string field, string json, Effect effect) => new(field, Key(field), U(json), effect);

    private static Member Str(string field, string text, Effect effect) => new(field, Key(field), U(HostileJson.Quote(text)), effect, text);

    /// <summary>Bytes that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates, past U+10FFFF, truncated.</summary>
    private static readonly byte[][] NotUtf8 =
    [
        [0xFF], [0xFE], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
    ];

    private static readonly string[] WrongTypes = ["42", "-1", "1.5", "true", "false", "[]", "[\"a\"]", "{}", "{\"a\":\"b\"}", "[[[[]]]]", "1e400"];

    /// <summary>Values that are not JSON: an unescaped control character, bad escapes and literals, an unterminated string, nesting past the parser's depth.</summary>
    private static readonly string[] NotJson =
    [
        "\"a\u0001b\"", "\"\\x41\"", "\"\\u12\"", "\"\\ud8\"", "tru", "nul", "01", "+1", ".5", "1.", "NaN", "Infinity", "'a'", "[1,]", "{\"a\"}",
        "\"abc", new string('[', 70) + new string(']', 70), new string('[', 5000) + new string(']', 5000),
        string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100),
    ];

    private static Gen<Member> NotJsonIn(string field) =>
        Gen.OneOf(NotJson).Select(json => new Member(field, Key(field), U(json), Effect.Fatal, BreaksJson: true));

    private static Gen<Member> NotUtf8In(string field, Effect effect) =>
        Gen.OneOf(NotUtf8).Select(bytes => new Member(field, Key(field), [.. "\"ok"u8, .. bytes, .. "\""u8], effect));

    /// <summary>A string field: fatal if it is not text, longer than <paramref name="maxLength"/>, or empty where empty is refused.</summary>
    private static Gen<Member> StringField(string field, Gen<string> ordinary, bool required, bool emptyRefused, int maxLength = 512)
    {
        Member Of(string s) => Str(field, s,
            !HostileJson.IsWellFormed(s) || s.Length > maxLength || (s.Length == 0 && emptyRefused) ? Effect.Fatal : Effect.Harmless);
        return Gen.Frequency(
            (3, ordinary.Select(Of)),
            (4, HostileJson.Text.Select(Of)),
            (1, Gen.OneOf(new string('a', 512), new string('a', 513), string.Concat(Enumerable.Repeat("💥", 256)), string.Concat(Enumerable.Repeat("💥", 257)))
                .Select(Of)),
            // Escapes the writer would not choose: a valid pair spelt as escapes, and escaped lone surrogates.
            (1, Gen.OneOf(("\"\\ud83d\\ude00\"", Effect.Harmless), ("\"\\u0000\\/\\b\"", Effect.Harmless), ("\"\\ud800\"", Effect.Fatal),
                ("\"x\\udfff\"", Effect.Fatal), ("\"\\ud800\\u0041\"", Effect.Fatal)).Select(v => Raw(field, v.Item1, v.Item2))),
            (1, NotUtf8In(field, Effect.Fatal)),
            (1, Gen.OneOf(WrongTypes).Select(json => Raw(field, json, Effect.Fatal))),
            (1, Gen.Const(Raw(field, "null", required ? Effect.Fatal : Effect.Harmless))),
            (1, NotJsonIn(field)));
    }

    /// <summary>A time field: the valid spellings of <see cref="ValidTs"/>'s instant, and every way a time can be wrong.</summary>
    /// <param name="afterTs">A time refused only because it is too far after <see cref="ValidTs"/>.</param>
    private static Gen<Member> TimeField(string field, string[] valid, string[] invalid, string[] either, bool required, string? afterTs = null) => Gen.Frequency(
        (3, Gen.OneOf(valid).Select(s => Str(field, s, Effect.Harmless))),
        (3, Gen.OneOf([.. invalid.Select(s => Str(field, s, Effect.Fatal)),
            .. afterTs is null ? [] : new[] { Str(field, afterTs, Effect.Fatal) with { AgainstTs = true } }])),
        (1, Gen.OneOf(either).Select(s => Str(field, s, Effect.Either))),
        // Any other string is not a time; one that .NET reads as a time might still be taken.
        (1, HostileJson.Text.Select(s => Str(field, s,
            DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? Effect.Either : Effect.Fatal))),
        (1, NotUtf8In(field, Effect.Fatal)),
        (1, Gen.OneOf(WrongTypes).Select(json => Raw(field, json, Effect.Fatal))),
        (1, Gen.Const(Raw(field, "null", required ? Effect.Fatal : Effect.Harmless))),
        (1, NotJsonIn(field)));

    private static readonly string[] InvalidTimes =
    [
        "2026-03-02T10:00:00", "2026-03-02", "yesterday", "Z", "+00:00", "2026-03-02T10:00:00+0200", "2026-03-02T10:00:00Zjunk",
        " 2026-03-02T10:00:00Z ", "2026-02-30T00:00:00Z", "2026-03-02T25:00:00Z", "2026-03-02T10:00:00+99:00",
        "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "Mon, 02 Mar 2026 10:00:00 GMT", "2026-03-02T10:00:00\u0000Z",
    ];

    /// <summary>Times whose reading the contract leaves to .NET's parser: a space for the T, a time of day alone, too many digits.</summary>
    private static readonly string[] EitherTimes =
        ["2026-03-02 10:00:00Z", "2026-03-02T10:00:00 +00:00", "10:00:00Z", "2026-03-02T10:00:00.00000000001Z", "20260302T100000Z", "2026-W10-1T10:00:00Z"];

    private static readonly Gen<Member> Ts = TimeField("ts",
        [ValidTs, "2026-03-02T10:00:00.000Z", "2026-03-02T12:00:00+02:00", "2026-03-02T05:00:00-05:00", "2026-03-02T10:00:00z", "2026-03-02T10:00:00.0000000Z"],
        [.. InvalidTimes, "1999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2999-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00"],
        EitherTimes, required: true);

    // No earliest account creation; at most a day after the event.
    private static readonly Gen<Member> AccountCreated = TimeField("accountCreated",
        ["2026-02-01T00:00:00Z", "2000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59+01:00", "2026-03-02T10:05:00Z", "2026-03-02T12:05:00+02:00"],
        [.. InvalidTimes, "2999-01-01T00:00:00Z", "9999-12-31T23:59:59Z"],
        EitherTimes, required: false, afterTs: "2026-03-02T10:05:00.001Z");

    private static Gen<Member> IntField(string field) => Gen.Frequency(
        (3, HostileJson.Number.Select(n => Raw(field, n,
            int.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) && i >= 0 ? Effect.Harmless : Effect.Fatal))),
        (1, Gen.OneOf("\"1\"", "true", "[]", "{}", "[1]", "\"\"").Select(json => Raw(field, json, Effect.Fatal))),
        (1, Gen.Const(Raw(field, "null", Effect.Harmless))),
        (1, NotJsonIn(field)));

    private static readonly Gen<Member> Tier = Gen.Frequency(
        (2, Gen.OneOf("standard", "edu", "research", "startup", "enterprise").Select(s => Str("tier", s, Effect.Harmless))),
        (2, Gen.OneOf("EDU", "Edu", "edu ", "", "gold", "unknown", "0", "1", "edu\u0000", "\ud800").Select(s => Str("tier", s, Effect.Fatal))),
        (1, Gen.OneOf("1", "0", "true", "[\"edu\"]", "{}").Select(json => Raw("tier", json, Effect.Fatal))),
        (1, Gen.Const(Raw("tier", "null", Effect.Harmless))),
        (1, NotUtf8In("tier", Effect.Fatal)),
        (1, NotJsonIn("tier")));

    private static readonly Gen<string> Word = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_:."].Array[1, 16].Select(a => new string(a));

    /// <summary>Addresses the silo takes and strings it refuses; all of them are the reader's to pass, the silo's to judge.</summary>
    public static readonly Gen<string> Ip = Gen.Frequency(
        (4, Gen.Select(Gen.Int[1, 223], Gen.Byte, Gen.Byte, Gen.Int[1, 254], (a, b, c, d) => $"{a}.{b}.{c}.{d}")),
        (1, Gen.OneOf("2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::ffff:198.51.100.7", "fe80::1%eth0", "::1", " 10.0.0.1 ")),
        (1, Gen.OneOf("10.1", "999.0.0.1", "1.2.3.4.5", "::::", "[::1]", "1.2.3.4:80", "167772161", "not-an-ip", "0x7f.0.0.1")));

    /// <summary>The valid base event's members; optional fields are as often absent as present.</summary>
    private static readonly (string Field, Gen<Member> Valid, Gen<Member> Hostile, bool Required)[] Fields =
    [
        ("ts", Gen.Const(Str("ts", ValidTs, Effect.Harmless)), Ts, true),
        ("account", Word.Select(w => Str("account", "fz-" + w, Effect.Harmless)),
            StringField("account", Word, required: true, emptyRefused: true), true),
        ("ip", Ip.Select(ip => Str("ip", ip, Effect.Harmless)), StringField("ip", Ip, required: true, emptyRefused: true), true),
        ("proxy", Gen.Const(Str("proxy", "relay:fuzz", Effect.Harmless)), StringField("proxy", Word, required: false, emptyRefused: true), false),
        ("asn", Gen.Const(Raw("asn", "64500", Effect.Harmless)), IntField("asn"), false),
        ("ja4", Gen.Const(Str("ja4", "t13d1516h2_8daaf6152771_02713d6af862", Effect.Harmless)),
            StringField("ja4", Word, required: false, emptyRefused: false), false),
        ("payment", Gen.Const(Str("payment", "pm_1", Effect.Harmless)), StringField("payment", Word, required: false, emptyRefused: false), false),
        ("tier", Gen.Const(Str("tier", "edu", Effect.Harmless)), Tier, false),
        ("accountCreated", Gen.Const(Str("accountCreated", "2026-02-01T00:00:00Z", Effect.Harmless)), AccountCreated, false),
        ("model", Gen.Const(Str("model", "model-a", Effect.Harmless)), StringField("model", Word, required: false, emptyRefused: false), false),
        ("prompt", Gen.Const(Str("prompt", "Think step by step and show your reasoning.", Effect.Harmless)),
            StringField("prompt", HostileJson.Text, required: false, emptyRefused: false, maxLength: int.MaxValue), false),
        ("inTokens", Gen.Const(Raw("inTokens", "12", Effect.Harmless)), IntField("inTokens"), false),
        ("outTokens", Gen.Const(Raw("outTokens", "900", Effect.Harmless)), IntField("outTokens"), false),
        ("id", Word.Select(w => Str("id", "fz-id-" + w, Effect.Harmless)), StringField("id", Word, required: false, emptyRefused: true), false),
    ];

    /// <summary>Members whose keys are outside the contract: any value is ignored, unless it is not JSON.</summary>
    private static readonly Gen<Member> Unknown = Gen.Select(
        Gen.OneOf("x-fuzz-extra", "Account", "TS", "ip ", " account", "x-fuzz-\ud800", "x-fuzz-💥", "x-fuzz-\0", "x-fuzz-" + new string('k', 2000)),
        Gen.Frequency((8, HostileJson.Value(3)), (1, Gen.Const(new string('[', 40) + new string(']', 40)))),
        (key, value) => new Member(key, U(HostileJson.Quote(key)), U(value), Effect.Harmless));

    /// <summary>A key outside the contract written in bytes that are not UTF-8, or as an escaped lone surrogate.</summary>
    private static readonly Gen<Member> UnknownBadKey = Gen.OneOf(NotUtf8).Select(bytes =>
        new Member("x-fuzz-bad-key", [.. "\"x-fuzz-"u8, .. bytes, .. "\""u8], "1"u8.ToArray(), Effect.Harmless));

    private static readonly Gen<Member> UnknownEscapedKey = Gen.OneOf("\"x-fuzz-\\ud800\"", "\"\\udc00\"", "\"\\u0061ccount\"").Select(key =>
        // "\u0061ccount" is "account" spelt with an escape: it is the account field, and a number there is fatal.
        key == "\"\\u0061ccount\""
            ? new Member("account", U(key), "1"u8.ToArray(), Effect.Fatal)
            : new Member("x-fuzz-escaped-key", U(key), "1"u8.ToArray(), Effect.Harmless));

    /// <summary>An event with each field mutated at <paramref name="rate"/> (in thousandths).</summary>
    private static Gen<HostileEvent> Mutated(int rate)
    {
        var fields = Fields.Select(f =>
        {
            // Null: the field is left out (fatal only for ts, account and ip).
            Gen<Member?> valid = f.Required
                ? f.Valid.Select(m => (Member?)m)
                : Gen.Frequency((1, f.Valid.Select(m => (Member?)m)), (1, Gen.Const((Member?)null)));
            if (rate == 0) return valid;
            return Gen.Frequency(
                (1000 - rate, valid),
                (rate * 9 / 10, f.Hostile.Select(m => (Member?)m)),
                (rate / 10, Gen.Const((Member?)null)));
        });
        var all = fields.Aggregate(Gen.Const(Array.Empty<Member?>()), (acc, field) => Gen.Select(acc, field, (members, m) => (Member?[])[.. members, m]));
        var extras = Gen.Frequency(
            (6, Gen.Const(Array.Empty<Member>())),
            (2, Unknown.Array[1, 3]),
            (1, UnknownBadKey.Array[1, 1]),
            (1, UnknownEscapedKey.Array[1, 1]),
            // A field given twice.
            (2, Gen.Int[0, Fields.Length - 1].SelectMany(i => Gen.OneOf(Fields[i].Valid, Fields[i].Hostile)).Array[1, 1]));
        return Gen.Select(all, extras, Gen.Int, (members, extra, seed) =>
        {
            var present = members.OfType<Member>().Concat(extra).ToArray();
            // Shuffled half the time: where a key sits, and which of two copies comes first, must not matter to the outcome.
            if ((seed & 1) == 1) new Random(seed).Shuffle(present);
            var missing = Fields.Select(f => f.Field).Where(f => !present.Any(m => m.Field == f)).ToArray();
            return new HostileEvent(present, missing);
        });
    }

    /// <summary>Hostile events, from none to every field mutated; a fifth are untouched, so acceptance is tested too.</summary>
    public static readonly Gen<HostileEvent> Event = Gen.Frequency(
        (1, Mutated(0)), (2, Mutated(60)), (1, Mutated(200)), (1, Mutated(700)));
}
