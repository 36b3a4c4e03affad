using System.Runtime.InteropServices;

namespace Risk.Contracts;

/// <summary>
/// A batch of events as it crosses the wire to ingest: every distinct string once, in <see cref="Strings"/>, and
/// each event a row of numbers that point into it (0 is "none"). A batch of 20,000 events from 2,000 accounts
/// carries each account's name, IP and fingerprint once rather than once per event, and the silo reads rows
/// without building an object and a string per field.
/// </summary>
/// <remarks>
/// Deserializing one <see cref="RiskEvent"/> object per event had been a large share of the silo's time on ingest, all of
/// it on the one thread that reads the client's connection. A silo never trusts a batch: a row that points outside
/// <see cref="Strings"/> is rejected by index like any other bad event (<see cref="EventRules"/>).
/// </remarks>
[GenerateSerializer, Immutable, Alias("risk.event-batch.v1")]
public sealed record EventBatch([property: Id(0)] string?[] Strings, [property: Id(1)] EventRow[] Rows)
{
    public int Count => Rows?.Length ?? 0;

    public static EventBatch Of(IReadOnlyList<RiskEvent> events)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var strings = new List<string?> { null };
        int Ref(string? value)
        {
            if (value is null) return 0;
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(index, value, out var known);
            if (!known)
            {
                slot = strings.Count;
                strings.Add(value);
            }
            return slot;
        }

        var rows = new EventRow[events.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"event {i} is null", nameof(events));
            rows[i] = new EventRow(e.Ts, Ref(e.Account), Ref(e.Ip), Ref(e.Proxy), e.Asn, Ref(e.Ja4), Ref(e.Payment), e.Tier,
                e.AccountCreated, Ref(e.Model), e.Prompt is not null, e.Prompt?.Kinds ?? PromptKinds.None, e.Prompt?.SimHash ?? 0,
                e.Prompt?.Length ?? 0, e.InTokens, e.OutTokens, e.Prompt?.Families ?? 0, Ref(e.Id));
        }
        return new EventBatch([.. strings], rows);
    }

    /// <summary>
    /// Row <paramref name="i"/> as an event, sharing the batch's strings, with <paramref name="ip"/> as its address
    /// (ingest passes the canonical form it made). Only for a row that <see cref="EventRules.Check(EventBatch, int, DateTime, string?)"/> passed.
    /// </summary>
    public RiskEvent ToEvent(int i, string ip)
    {
        var row = Rows[i];
        var prompt = row.Prompted ? new PromptSignals(row.Kinds, row.SimHash, row.PromptLength, row.Families) : null;
        return new RiskEvent(row.Ts, S(row.Account)!, ip, S(row.Proxy), row.Asn, S(row.Ja4), S(row.Payment), row.Tier,
            row.AccountCreated, S(row.Model), prompt, row.InTokens, row.OutTokens, S(row.Id));
    }

    private string? S(int index) => index == 0 ? null : Strings[index];

    /// <summary>The string at <paramref name="index"/> (null for 0); null with the reason if it points outside the batch's strings.</summary>
    public string? StringAt(int index, string field, ref string? problem)
    {
        if (index == 0) return null;
        if ((uint)index < (uint)(Strings?.Length ?? 0)) return Strings![index];
        problem ??= $"{field}: string {index} is not in the batch";
        return null;
    }
}

/// <summary>One event of an <see cref="EventBatch"/>: the fields of <see cref="RiskEvent"/>, strings as indexes into the batch's table.</summary>
/// <param name="Prompted">Whether the event carries prompt signals (Kinds, SimHash, PromptLength and Families).</param>
[GenerateSerializer, Immutable, Alias("risk.event-row.v1")]
public readonly record struct EventRow(
    [property: Id(0)] DateTime Ts,
    [property: Id(1)] int Account,
    [property: Id(2)] int Ip,
    [property: Id(3)] int Proxy,
    [property: Id(4)] int? Asn,
    [property: Id(5)] int Ja4,
    [property: Id(6)] int Payment,
    [property: Id(7)] AccountTier Tier,
    [property: Id(8)] DateTime? AccountCreated,
    [property: Id(9)] int Model,
    [property: Id(10)] bool Prompted,
    [property: Id(11)] PromptKinds Kinds,
    [property: Id(12)] ulong SimHash,
    [property: Id(13)] int PromptLength,
    [property: Id(14)] int InTokens,
    [property: Id(15)] int OutTokens,
    [property: Id(16)] ulong Families = 0,
    [property: Id(17)] int Id = 0);
