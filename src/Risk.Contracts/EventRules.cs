namespace Risk.Contracts;

/// <summary>
/// The event contract's validation rules, shared by the gateway library (before sending) and the silo
/// (which never trusts its callers). A rejected event is counted and reported with its index; the rest
/// of its batch still goes through.
/// </summary>
public static class EventRules
{
    public const int MaxStringLength = 512;
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromDays(1);
    public static readonly DateTime Earliest = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Returns null when the event is valid, otherwise a short reason naming the field.</summary>
    public static string? Check(RiskEvent e, DateTime utcNow) =>
        Check(e, utcNow, string.IsNullOrEmpty(e.Ip) ? null : GrainKeys.NormalizeIp(e.Ip));

    /// <param name="canonicalIp">
    /// The event's IP as <see cref="GrainKeys.NormalizeIp"/> gives it (null if it is not an address), for a caller
    /// that has it already: ingest reads each distinct address of a batch once.
    /// </param>
    public static string? Check(RiskEvent e, DateTime utcNow, string? canonicalIp)
    {
        if (e.Ts.Kind != DateTimeKind.Utc || e.Ts < Earliest) return "ts: must be an ISO-8601 UTC time after 2000-01-01";
        if (e.Ts > utcNow + MaxFutureSkew) return $"ts: {e.Ts:O} is more than {MaxFutureSkew.TotalHours:0} h in the future";
        if (string.IsNullOrEmpty(e.Account)) return "account: required";
        if (string.IsNullOrEmpty(e.Ip)) return "ip: required";
        if (canonicalIp is null) return "ip: not an IPv4 or IPv6 address";
        var tooLong = TooLong(e.Account, "account") ?? TooLong(e.Ip, "ip") ?? TooLong(e.Proxy, "proxy") ?? TooLong(e.Ja4, "ja4")
            ?? TooLong(e.Payment, "payment") ?? TooLong(e.Model, "model");
        if (tooLong is not null) return tooLong;
        if (e.Proxy is "") return "proxy: empty";
        if (e.Asn is < 0) return "asn: negative";
        if (e.InTokens < 0 || e.OutTokens < 0) return "inTokens/outTokens: negative";
        if (e.AccountCreated is { } created && (created.Kind != DateTimeKind.Utc || created > e.Ts + MaxFutureSkew))
            return "accountCreated: must be an ISO-8601 UTC time not after the event";
        return null;
    }

    private static string? TooLong(string? value, string name) =>
        value is { Length: > MaxStringLength } ? $"{name}: longer than {MaxStringLength} characters" : null;
}
