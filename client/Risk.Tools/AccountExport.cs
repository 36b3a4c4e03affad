using System.Text.Json;
using Risk.Client;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Tools;

/// <summary>
/// Writes one JSON line per account:
/// {"account","action","score","cluster","reasons","firstFlaggedAt","events","ip","proxy","payment"}, in the order the accounts were first seen.
/// </summary>
public static class AccountExport
{
    /// <summary>Asks every account for its verdict, 64 at a time, keeping the order given.</summary>
    public static async Task<IReadOnlyList<AccountVerdict>> Fetch(RiskClient client, IReadOnlyList<string> accounts, CancellationToken cancellationToken = default)
    {
        var verdicts = new AccountVerdict[accounts.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, _) => verdicts[i] = await client.Verdict(accounts[i]));
        return verdicts;
    }

    public static async Task<IReadOnlyList<AccountVerdict>> Write(RiskClient client, IReadOnlyList<string> accounts, string path, CancellationToken cancellationToken = default)
    {
        var verdicts = await Fetch(client, accounts, cancellationToken);
        await Write(verdicts, path, cancellationToken);
        return verdicts;
    }

    public static async Task Write(IReadOnlyList<AccountVerdict> verdicts, string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.Create(path);
        await using var json = new Utf8JsonWriter(stream);
        foreach (var v in verdicts)
        {
            WriteLine(json, v);
            await json.FlushAsync(cancellationToken);
            stream.WriteByte((byte)'\n');
            json.Reset(stream);
        }
    }

    private static void WriteLine(Utf8JsonWriter json, AccountVerdict v)
    {
        json.WriteStartObject();
        json.WriteString("account", v.Account);
        json.WriteString("action", Wire.Action(v.Decision.Action));
        json.WriteNumber("score", v.Decision.Score);
        if (v.Cluster is null) json.WriteNull("cluster"); else json.WriteString("cluster", v.Cluster);
        json.WriteStartArray("reasons");
        foreach (var r in v.Decision.Reasons) json.WriteStringValue(r);
        json.WriteEndArray();
        if (v.FirstFlaggedAt is { } at) json.WriteString("firstFlaggedAt", Wire.Time(at)); else json.WriteNull("firstFlaggedAt");
        json.WriteNumber("events", v.Events);
        // Where its latest request came from and what it pays with: what an analyst pivots on next.
        WriteOrNull(json, "ip", v.Ip);
        WriteOrNull(json, "proxy", v.Proxy);
        WriteOrNull(json, "payment", v.Payment);
        json.WriteEndObject();
    }

    private static void WriteOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name); else json.WriteString(name, value);
    }
}
