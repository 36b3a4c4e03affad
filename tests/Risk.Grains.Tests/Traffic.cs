using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Grains.Tests;

/// <summary>Small hand-made event streams for grain tests.</summary>
public static class Traffic
{
    public static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    public static RiskEvent Ordinary(string account, int i, string ip = "198.51.100.10", string? proxy = null) => new(
        T0.AddMinutes(i * 7 + i % 5), account, ip, proxy, Asn: 64500, Payment: $"card-{account}",
        AccountCreated: T0.AddDays(-400), Tier: AccountTier.Standard, InTokens: 300, OutTokens: 400,
        Prompt: PromptFeatures.Extract($"Can you suggest {i} ideas for a weekend trip near {(i % 2 == 0 ? "the coast" : "the mountains")} with kids aged {i % 9}?"));

    /// <summary>Templated chain-of-thought extraction, every 20 s around the clock.</summary>
    public static RiskEvent Extraction(string account, int i, string ip = "203.0.113.50", string? proxy = null, string? payment = null) => new(
        T0.AddSeconds(i * 20), account, ip, proxy, Asn: 64501, Payment: payment ?? $"card-{account}",
        AccountCreated: T0.AddDays(-2), Tier: AccountTier.Standard, InTokens: 80, OutTokens: 1800,
        Prompt: PromptFeatures.Extract($"Solve the following step by step and show your reasoning in full: benchmark problem {i % 4} variant"));

    /// <summary>Reads until <paramref name="done"/> holds or ten seconds pass: what grains tell each other travels one-way.</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }
}
