using System.Globalization;
using System.Text;
using CsCheck;
using Risk.Contracts;

namespace Risk.Tests.Fuzz;

/// <summary>
/// <see cref="EventBatch"/>es as a hostile or broken client could send them: events with hostile values packed the
/// way <see cref="EventBatch.Of"/> packs them, then the packing itself broken (rows that point outside the strings,
/// strings swapped for null, empty, huge or ill-formed ones, a null table or rows). A silo must not trust any of it.
/// </summary>
public static class HostileBatches
{
    /// <summary>Times of every kind, around <paramref name="now"/> (read as each is drawn) and at the ends of DateTime.</summary>
    /// <remarks>None lies within minutes of the future limit, so a check made a moment later gives the same answer.</remarks>
    public static Gen<DateTime> Time(Func<DateTime> now) => Gen.Select(
        Gen.Frequency(
            (8, Gen.Int[-60 * 24 * 30, -1].Select(minutes => now().AddMinutes(minutes))),
            (1, Gen.OneOf(TimeSpan.FromMinutes(1), TimeSpan.FromDays(2), TimeSpan.FromDays(1000)).Select(ahead => now() + ahead)),
            (1, Gen.OneOf(DateTime.MinValue, DateTime.MaxValue, EventRules.Earliest.AddTicks(-1), EventRules.Earliest, new DateTime(1970, 1, 1))),
            (1, Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Select(ticks => new DateTime(ticks)))),
        Gen.Frequency((8, Gen.Const(DateTimeKind.Utc)), (1, Gen.Const(DateTimeKind.Local)), (1, Gen.Const(DateTimeKind.Unspecified))),
        (t, kind) => DateTime.SpecifyKind(t, kind));

    /// <summary>Strings a table may hold: from <paramref name="ordinary"/> mostly, else empty, huge, ill-formed or anything.</summary>
    private static Gen<string> Text(Gen<string> ordinary) => Gen.Frequency(
        (12, ordinary),
        (2, HostileJson.Text),
        (1, Gen.OneOf("", " ", new string('a', 512), new string('a', 513), new string('x', 100_000), "\ud800", "a\udfff", "\0")));

    private static readonly Gen<int> Tokens = Gen.Frequency(
        (8, Gen.Int[0, 5000]), (1, Gen.Int), (1, Gen.OneOf(int.MinValue, -1, int.MaxValue)));

    private static readonly Gen<int?> Asn = Gen.Frequency(
        (2, Gen.Const((int?)null)), (6, Gen.Int[0, 400_000].Select(i => (int?)i)), (1, Gen.Int.Select(i => (int?)i)),
        (1, Gen.OneOf<int?>(-1, int.MinValue, int.MaxValue)));

    private static readonly Gen<AccountTier> Tier = Gen.Frequency(
        (6, Gen.Int[0, 5].Select(t => (AccountTier)t)), (1, Gen.Byte.Select(b => (AccountTier)b)));

    private static readonly Gen<PromptSignals?> Prompt = Gen.Frequency(
        (2, Gen.Const((PromptSignals?)null)),
        (3, Gen.Select(Gen.UShort, Gen.ULong, Gen.Int, Gen.ULong,
            (kinds, simHash, length, families) => (PromptSignals?)new PromptSignals((PromptKinds)kinds, simHash, length, families))));

    private static Gen<T?> Sometimes<T>(Gen<T> gen) where T : class =>
        Gen.Frequency((1, Gen.Const((T?)null)), (2, gen.Select(v => (T?)v)));

    private static readonly Gen<string> Word = Gen.Char["abcdefghij-:"].Array[1, 6].Select(a => "fz" + new string(a));

    /// <summary>
    /// Events for <see cref="EventBatch.Of"/> to pack (it checks nothing but that each is there): two in three within the
    /// contract, so that grains are fed as well as the check, the rest with hostile values in any field.
    /// </summary>
    public static Gen<RiskEvent> Event(Func<DateTime> now, string[] accounts) =>
        Gen.Frequency((2, Valid(now, accounts)), (1, Hostile(now, accounts)));

    private static Gen<RiskEvent> Valid(Func<DateTime> now, string[] accounts) => Gen.Select(
        Gen.Int[1, 60 * 24 * 30], Gen.OneOf(accounts), HostileEvents.Ip, Gen.OneOf("relay:fz-a", "relay:fz-b", null), Gen.Int[0, 400_000],
        Gen.Frequency((1, Gen.Const((int?)null)), (2, Gen.Int[0, 400].Select(days => (int?)days))), Prompt, Gen.Int[0, 5000],
        (minutesAgo, account, ip, proxy, asn, createdDaysAgo, prompt, tokens) =>
        {
            var ts = now().AddMinutes(-minutesAgo);
            return new RiskEvent(ts, account, ip, proxy, asn, "t13d1516h2", "pm-" + account, AccountTier.Standard,
                createdDaysAgo is { } days ? ts.AddDays(-days) : null, "model-a", prompt, tokens, tokens * 3);
        });

    private static Gen<RiskEvent> Hostile(Func<DateTime> now, string[] accounts)
    {
        var time = Time(now);
        return Gen.Select(
            time, Text(Gen.OneOf(accounts)), Text(HostileEvents.Ip), Sometimes(Text(Gen.OneOf("relay:fz-a", "relay:fz-b"))), Asn,
            Sometimes(Text(Word)), Sometimes(Text(Word)), Tier, Gen.Frequency((1, Gen.Const((DateTime?)null)), (2, time.Select(t => (DateTime?)t))),
            Sometimes(Text(Gen.OneOf("model-a", "model-b"))), Prompt, Tokens, Tokens,
            (ts, account, ip, proxy, asn, ja4, payment, tier, created, model, prompt, inTokens, outTokens) =>
                new RiskEvent(ts, account, ip, proxy, asn, ja4, payment, tier, created, model, prompt, inTokens, outTokens));
    }

    /// <summary>Where a row's string index is sent: where it was, nowhere (0), or outside the table.</summary>
    private enum Aim { Keep, Zero, Negative, JustPast, FarPast, MinValue, Random }

    /// <summary>One way to break a packed batch.</summary>
    private abstract record Break
    {
        public sealed record Repoint(int Row, int Field, Aim Aim, int Value) : Break;
        public sealed record Replace(int Slot, string? With) : Break;
        public sealed record Append(string? With) : Break;
        public sealed record NullTable : Break;
        public sealed record NullRows : Break;
    }

    private static readonly Gen<Break> Breaks = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 5], Gen.Enum<Aim>(), Gen.Int, (row, field, aim, value) => (Break)new Break.Repoint(row, field, aim, value))),
        (3, Gen.Select(Gen.Int[0, 1000], Gen.Frequency((1, Gen.Const((string?)null)), (4, Text(HostileJson.Text).Select(s => (string?)s))),
            (slot, with) => (Break)new Break.Replace(slot, with))),
        (1, Text(HostileJson.Text).Select(s => (Break)new Break.Append(s))),
        (1, Gen.Const<Break>(new Break.NullTable())),
        (1, Gen.Const<Break>(new Break.NullRows())));

    /// <summary>A batch of up to 40 hostile events, usually broken in a few more places after packing.</summary>
    public static Gen<EventBatch> Batch(Func<DateTime> now, string[] accounts) => Gen.Select(
        Event(now, accounts).Array[0, 40],
        Gen.Frequency((3, Gen.Const(Array.Empty<Break>())), (4, Breaks.Array[1, 4]), (1, Breaks.Array[5, 30])),
        (events, breaks) => breaks.Aggregate(EventBatch.Of(events), Apply));

    private static EventBatch Apply(EventBatch batch, Break b)
    {
        switch (b)
        {
            case Break.Repoint p when batch.Rows is { Length: > 0 } rows:
                var copy = rows.ToArray();
                var row = copy[p.Row % copy.Length];
                int Aimed(int was) => p.Aim switch
                {
                    Aim.Keep => was,
                    Aim.Zero => 0,
                    Aim.Negative => -1 - Math.Abs(p.Value % 1000),
                    Aim.JustPast => batch.Strings?.Length ?? 0,
                    Aim.FarPast => int.MaxValue,
                    Aim.MinValue => int.MinValue,
                    _ => p.Value,
                };
                copy[p.Row % copy.Length] = p.Field switch
                {
                    0 => row with { Account = Aimed(row.Account) },
                    1 => row with { Ip = Aimed(row.Ip) },
                    2 => row with { Proxy = Aimed(row.Proxy) },
                    3 => row with { Ja4 = Aimed(row.Ja4) },
                    4 => row with { Payment = Aimed(row.Payment) },
                    _ => row with { Model = Aimed(row.Model) },
                };
                return batch with { Rows = copy };
            case Break.Replace r when batch.Strings is { Length: > 0 } strings:
                var table = strings.ToArray();
                table[r.Slot % table.Length] = r.With;
                return batch with { Strings = table };
            case Break.Append a when batch.Strings is { } strings:
                return batch with { Strings = [.. strings, a.With] };
            case Break.NullTable:
                return batch with { Strings = null! };
            case Break.NullRows:
                return batch with { Rows = null! };
            default:
                return batch;
        }
    }

    /// <summary>Row <paramref name="row"/>'s address in canonical form, read as ingest reads it; null if it has none, points outside, or is no address.</summary>
    public static string? CanonicalIp(EventBatch batch, int row)
    {
        var index = batch.Rows[row].Ip;
        if (batch.Strings is not { } strings || index <= 0 || index >= strings.Length || string.IsNullOrEmpty(strings[index])) return null;
        return GrainKeys.NormalizeIp(strings[index]!);
    }

    /// <summary>The reason each row must be refused for (null: it must be accepted), by the contract's own rules.</summary>
    public static string?[] Expected(EventBatch batch, DateTime now) =>
        [.. Enumerable.Range(0, batch.Count).Select(i => EventRules.Check(batch, i, now, CanonicalIp(batch, i)))];

    /// <summary>A batch in a few lines, for a failure's message.</summary>
    public static string Show(EventBatch batch)
    {
        static string S(string? s) => s is null ? "null" : s.Length > 40 ? $"\"{Escape(s[..40])}...\" ({s.Length} chars)" : $"\"{Escape(s)}\"";
        static string Escape(string s) => string.Concat(s.Select(c => c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        var sb = new StringBuilder();
        sb.Append("strings: ").AppendJoin(", ", batch.Strings?.Select(S) ?? ["(null table)"]).AppendLine();
        foreach (var row in batch.Rows ?? []) sb.AppendLine(CultureInfo.InvariantCulture, $"row: {row} (ts kind {row.Ts.Kind})");
        if (batch.Rows is null) sb.AppendLine("(null rows)");
        return sb.ToString();
    }
}
