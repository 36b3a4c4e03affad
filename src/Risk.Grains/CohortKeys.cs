using System.Globalization;
using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>Creation-cohort ids: the ISO week an account was opened, its tier, and a digest of its client fingerprint.</summary>
public static class CohortKeys
{
    public static string For(DateTime created, AccountTier tier, string ja4) =>
        $"cohort-{ISOWeek.GetYear(created)}w{ISOWeek.GetWeekOfYear(created):00}-{tier.ToString().ToLowerInvariant()}-{StableHash64.Of("ja4", ja4):x16}";
}
