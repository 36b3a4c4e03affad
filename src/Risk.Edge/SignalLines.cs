using System.Globalization;
using Risk.Contracts;

namespace Risk.Edge;

/// <summary>An account's signals as people read them, named and formatted the same in `risk explain` and the console.</summary>
public static class SignalLines
{
    public static IReadOnlyList<(string Name, string Value)> Of(AccountSignals s) =>
    [
        ("events", s.Events.ToString(CultureInfo.InvariantCulture)),
        ("requests per day", F(s.RequestsPerDay)),
        ("chain-of-thought share", P(s.CotShare)), ("rubric share", P(s.RubricShare)),
        ("agentic or coding share", P(s.AgenticShare)), ("sensitive-rewrite share", P(s.SensitiveShare)),
        ("near-duplicate template share", P(s.TemplateReuseShare)),
        ("log-gap spread", F(s.GapSpread)), ("active hours of 24", s.ActiveHours.ToString(CultureInfo.InvariantCulture)),
        ("distinct IPs", F(s.DistinctIps)), ("distinct ASNs", F(s.DistinctAsns)),
        ("tokens per day", F(s.TokensPerDay)),
        ("output / input tokens", F(s.OutputToInput)),
        ("share on a model launched within a day", P(s.EarlyModelShare)), ("requests in the last hour (decayed)", F(s.RecentRequests)),
        ("account age (days)", s.AgeDays is { } age ? F(age) : "unknown"), ("tier", s.Tier.ToString().ToLowerInvariant()),
    ];

    public static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string P(double share) => share.ToString("P0", CultureInfo.InvariantCulture);
}
