namespace Risk.Contracts;

/// <summary>
/// The event contract's validation rules, shared by the gateway library (before sending) and the silo (which never
/// trusts its callers). A rejected event is counted and reported with its index; the rest of its batch still goes
/// through.
/// </summary>
/// <remarks>
/// The IP's syntax is checked once, by ingest, as it puts each distinct address of a batch in canonical form: the
/// gateway checks that an IP is there, and the silo, which must check it anyway, is the one place that parses it.
/// </remarks>
public static class EventRules
{
    public const int MaxStringLength = 512;

    /// <summary>
    /// How far ahead of the checking clock an event may be. Event time drives every decayed counter and window, so an
    /// event from the future would move an entity's clock forward and age everything it knows; clocks kept by NTP
    /// agree within a second, and a few minutes is the room left for a gateway's clock that drifted.
    /// </summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);
    public static readonly DateTime Earliest = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Everything but the IP's syntax; null when the event is valid, otherwise a short reason naming the field.</summary>
    public static string? Check(RiskEvent e, DateTime utcNow) =>
        Check(e.Ts, e.Account, e.Ip, e.Proxy, e.Asn, e.Ja4, e.Payment, e.Model, e.AccountCreated, e.InTokens, e.OutTokens, e.Id, utcNow);

    /// <summary>Row <paramref name="i"/> of a batch, read in place: no event is made for a row that is refused.</summary>
    /// <param name="canonicalIp">The row's IP as <see cref="GrainKeys.NormalizeIp"/> gave it; null if it is not an address.</param>
    public static string? Check(EventBatch batch, int i, DateTime utcNow, string? canonicalIp)
    {
        var row = batch.Rows[i];
        string? problem = null;
        var account = batch.StringAt(row.Account, "account", ref problem);
        var ip = batch.StringAt(row.Ip, "ip", ref problem);
        var proxy = batch.StringAt(row.Proxy, "proxy", ref problem);
        var ja4 = batch.StringAt(row.Ja4, "ja4", ref problem);
        var payment = batch.StringAt(row.Payment, "payment", ref problem);
        var model = batch.StringAt(row.Model, "model", ref problem);
        var id = batch.StringAt(row.Id, "id", ref problem);
        return problem
            ?? Check(row.Ts, account, ip, proxy, row.Asn, ja4, payment, model, row.AccountCreated, row.InTokens, row.OutTokens, id, utcNow)
            ?? (canonicalIp is null ? "ip: not an IPv4 or IPv6 address" : null);
    }

    private static string? Check(DateTime ts, string? account, string? ip, string? proxy, int? asn, string? ja4, string? payment,
        string? model, DateTime? accountCreated, int inTokens, int outTokens, string? id, DateTime utcNow)
    {
        if (ts.Kind != DateTimeKind.Utc || ts < Earliest) return "ts: must be an ISO-8601 UTC time after 2000-01-01";
        if (ts > utcNow + MaxFutureSkew) return $"ts: {ts:O} is more than {MaxFutureSkew.TotalMinutes:0} min ahead of this clock";
        if (string.IsNullOrEmpty(account)) return "account: required";
        if (string.IsNullOrEmpty(ip)) return "ip: required";
        var tooLong = TooLong(account, "account") ?? TooLong(ip, "ip") ?? TooLong(proxy, "proxy") ?? TooLong(ja4, "ja4")
            ?? TooLong(payment, "payment") ?? TooLong(model, "model") ?? TooLong(id, "id");
        if (tooLong is not null) return tooLong;
        if (proxy is "") return "proxy: empty";
        if (id is "") return "id: empty";
        if (asn is < 0) return "asn: negative";
        if (inTokens < 0 || outTokens < 0) return "inTokens/outTokens: negative";
        if (accountCreated is { } created && (created.Kind != DateTimeKind.Utc || created > ts + MaxFutureSkew))
            return "accountCreated: must be an ISO-8601 UTC time not after the event";
        return null;
    }

    public static string? TooLong(string? value, string name) =>
        value is { Length: > MaxStringLength } ? $"{name}: longer than {MaxStringLength} characters" : null;
}
