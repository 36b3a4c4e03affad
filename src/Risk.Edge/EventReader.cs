using System.Globalization;
using System.Text.Json;
using Risk.Contracts;

namespace Risk.Edge;

/// <summary>One line of input: the event, or why it was refused.</summary>
public readonly record struct ParsedEvent(RiskEvent? Event, string? Error);

/// <summary>
/// Reads the JSON event contract. The prompt text is turned into <see cref="PromptSignals"/> here and dropped.
/// Every refusal names the field at fault; unknown fields are ignored.
/// </summary>
public static class EventReader
{
    public const int MaxLineBytes = 64 * 1024;

    public static ParsedEvent Parse(ReadOnlySpan<byte> utf8Json, DateTime utcNow)
    {
        if (utf8Json.Length > MaxLineBytes) return Fail($"event: longer than {MaxLineBytes} bytes");
        try
        {
            using var doc = JsonDocument.Parse(utf8Json.ToArray());
            return Parse(doc.RootElement, utcNow);
        }
        catch (JsonException e)
        {
            return Fail($"json: {e.Message.Split(". ")[0]}");
        }
    }

    public static ParsedEvent Parse(JsonElement json, DateTime utcNow)
    {
        if (json.ValueKind != JsonValueKind.Object) return Fail("event: expected a JSON object");
        try
        {
            var prompt = OptionalString(json, "prompt", maxLength: int.MaxValue);
            var e = new RiskEvent(
                Ts: RequiredTime(json, "ts"),
                Account: OptionalString(json, "account") ?? throw new FieldException("account: required"),
                Ip: OptionalString(json, "ip") ?? throw new FieldException("ip: required"),
                Proxy: OptionalString(json, "proxy"),
                Asn: OptionalInt(json, "asn"),
                Ja4: OptionalString(json, "ja4"),
                Payment: OptionalString(json, "payment"),
                Tier: OptionalTier(json),
                AccountCreated: OptionalTime(json, "accountCreated"),
                Model: OptionalString(json, "model"),
                Prompt: prompt is null ? null : PromptFeatures.Extract(prompt),
                InTokens: OptionalInt(json, "inTokens") ?? 0,
                OutTokens: OptionalInt(json, "outTokens") ?? 0,
                Id: OptionalString(json, "id"));
            return EventRules.Check(e, utcNow) is { } problem ? Fail(problem) : new ParsedEvent(e, null);
        }
        catch (FieldException f)
        {
            return Fail(f.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            // Whatever else a hostile value finds, it costs this event, never the batch it came in.
            return Fail($"event: could not be read ({e.GetType().Name})");
        }
    }

    private static ParsedEvent Fail(string reason) => new(null, reason);

    private static string? OptionalString(JsonElement json, string name, int maxLength = EventRules.MaxStringLength)
    {
        if (!TryGetMember(json, name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new FieldException($"{name}: expected a string");
        string s;
        try
        {
            s = v.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") or bytes that are not UTF-8 are valid JSON structure but not text; it is
            // this event's fault alone.
            throw new FieldException($"{name}: not valid Unicode text");
        }
        // Prompts may be long; they are reduced to features and never stored.
        if (s.Length > maxLength) throw new FieldException($"{name}: longer than {maxLength} characters");
        return s;
    }

    private static int? OptionalInt(JsonElement json, string name)
    {
        if (!TryGetMember(json, name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i)) throw new FieldException($"{name}: expected an integer");
        return i;
    }

    /// <summary>The member called <paramref name="name"/> (the last one, if the key is repeated); keys that are not text are skipped.</summary>
    private static bool TryGetMember(JsonElement json, string name, out JsonElement value)
    {
        try
        {
            return json.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            // A key escaped as a lone surrogate ("\ud800") cannot be a field of the contract, but the lookup throws when it
            // unescapes such a key to compare it, and whether it gets that far depends on where the key sits and how long it
            // is. So it is skipped, like any unknown key, wherever it sits; only hostile input pays for this second walk.
            value = default;
            var found = false;
            foreach (var member in json.EnumerateObject())
            {
                try
                {
                    if (member.NameEquals(name)) (value, found) = (member.Value, true);
                }
                catch (InvalidOperationException)
                {
                    // This is the key that is not text.
                }
            }
            return found;
        }
    }

    private static DateTime RequiredTime(JsonElement json, string name) =>
        OptionalTime(json, name) ?? throw new FieldException($"{name}: required");

    private static DateTime? OptionalTime(JsonElement json, string name)
    {
        var s = OptionalString(json, name);
        if (s is null) return null;
        return ParseTime(s) ?? throw new FieldException($"{name}: expected an ISO-8601 UTC time such as 2026-03-02T10:15:00Z");
    }

    /// <summary>An ISO-8601 time that says it is UTC ("Z" or an offset), as UTC; null otherwise: a bare local time is ambiguous.</summary>
    public static DateTime? ParseTime(string s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) && (s.EndsWith('Z') || s.EndsWith('z') || HasOffset(s))
            ? t.UtcDateTime : null;

    private static bool HasOffset(string s) => s.Length > 6 && (s[^6] is '+' or '-') && s[^3] == ':';

    private static AccountTier OptionalTier(JsonElement json) => OptionalString(json, "tier") switch
    {
        null => AccountTier.Unknown,
        "standard" => AccountTier.Standard,
        "edu" => AccountTier.Edu,
        "research" => AccountTier.Research,
        "startup" => AccountTier.Startup,
        "enterprise" => AccountTier.Enterprise,
        _ => throw new FieldException("tier: expected one of standard, edu, research, startup, enterprise"),
    };

    private sealed class FieldException(string message) : Exception(message);
}
