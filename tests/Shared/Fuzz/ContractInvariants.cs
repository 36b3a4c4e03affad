using Risk.Contracts;

namespace Risk.Tests.Fuzz;

/// <summary>
/// The event contract spelt out again, independently of <see cref="EventRules"/>: what every event that got in must
/// be. A property that only asked EventRules whether an accepted event passes EventRules would not notice a rule gone.
/// </summary>
public static class ContractInvariants
{
    /// <summary>Null if <paramref name="e"/> is an event the contract allows at <paramref name="now"/>; otherwise what is wrong with it.</summary>
    public static string? Violation(RiskEvent e, DateTime now)
    {
        if (e.Ts.Kind != DateTimeKind.Utc) return $"ts is {e.Ts.Kind}";
        if (e.Ts < new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc) || e.Ts > now.AddMinutes(5)) return $"ts {e.Ts:O} is out of range";
        if (string.IsNullOrEmpty(e.Account) || string.IsNullOrEmpty(e.Ip)) return "no account or ip";
        if (e.Proxy is "") return "empty proxy";
        if (e.Id is "") return "empty id";
        foreach (var s in new[] { e.Account, e.Ip, e.Proxy, e.Ja4, e.Payment, e.Model, e.Id })
            if (s is { Length: > 512 }) return $"a string of {s.Length} characters";
        if (e.Asn < 0 || e.InTokens < 0 || e.OutTokens < 0) return "a negative count";
        if (e.AccountCreated is { } created && (created.Kind != DateTimeKind.Utc || created > e.Ts.AddMinutes(5))) return "accountCreated after the event";
        return null;
    }
}
