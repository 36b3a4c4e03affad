namespace Risk.Simulation;

/// <summary>A figure over several worlds: its median, and its worst value with the seed of the world it came from.</summary>
public sealed record Spread(double Median, double Worst, int WorstSeed);

/// <param name="Measure">For an attack cohort the share flagged at the end (recall); for a benign one the share flagged at any time (hurt).</param>
public sealed record CohortAcrossWorlds(string Cohort, bool Malicious, string Measure, Spread Rate, Spread? MedianRequestsToFlag);

public sealed record CampaignAcrossWorlds(string Campaign, Spread Coverage, Spread Purity);

/// <summary>
/// Detection over several randomized worlds: for every figure the median world and the worst one, so that a
/// detector that does well on average but fails one world shows it.
/// </summary>
public sealed record WorldsSummary(
    IReadOnlyList<int> Seeds,
    IReadOnlyList<CohortAcrossWorlds> Cohorts,
    Spread BenignFlaggedEver,
    Spread? ReplacementMedianRequests,
    IReadOnlyList<CampaignAcrossWorlds> Campaigns,
    IReadOnlyList<Evaluation> PerWorld)
{
    public static WorldsSummary Of(IReadOnlyList<(int Seed, Evaluation Result)> worlds)
    {
        var seeds = worlds.Select(w => w.Seed).ToArray();
        var cohorts = worlds.SelectMany(w => w.Result.Cohorts.Select(c => (c.Cohort, c.Malicious))).Distinct()
            .OrderByDescending(c => c.Malicious).ThenBy(c => c.Cohort, StringComparer.Ordinal)
            .Select(c =>
            {
                var runs = worlds.Select(w => (w.Seed, Result: w.Result.Cohorts.FirstOrDefault(r => r.Cohort == c.Cohort)))
                    .Where(r => r.Result is not null).ToArray();
                var rate = c.Malicious
                    ? Across(runs.Select(r => (r.Seed, r.Result!.FlagRate)), higherIsWorse: false)
                    : Across(runs.Select(r => (r.Seed, r.Result!.FlaggedEverRate)), higherIsWorse: true);
                var requests = runs.Where(r => r.Result!.MedianRequestsToFlag is not null).Select(r => (r.Seed, r.Result!.MedianRequestsToFlag!.Value)).ToArray();
                return new CohortAcrossWorlds(c.Cohort, c.Malicious, c.Malicious ? "flagged at the end" : "flagged at any time", rate,
                    c.Malicious && requests.Length > 0 ? Across(requests, higherIsWorse: true) : null);
            })
            .ToArray();
        var replacements = worlds.Where(w => w.Result.ReplacementMedianRequests is not null)
            .Select(w => (w.Seed, w.Result.ReplacementMedianRequests!.Value)).ToArray();
        var campaigns = worlds.SelectMany(w => w.Result.Campaigns.Select(c => c.Campaign)).Distinct()
            .Select(name =>
            {
                var runs = worlds.Select(w => (w.Seed, Campaign: w.Result.Campaigns.FirstOrDefault(c => c.Campaign == name)))
                    .Where(r => r.Campaign is not null).ToArray();
                return new CampaignAcrossWorlds(name,
                    Across(runs.Select(r => (r.Seed, r.Campaign!.Coverage)), higherIsWorse: false),
                    Across(runs.Select(r => (r.Seed, r.Campaign!.Purity)), higherIsWorse: false));
            })
            .ToArray();
        return new WorldsSummary(seeds, cohorts,
            Across(worlds.Select(w => (w.Seed, w.Result.BenignFlaggedEverRate)), higherIsWorse: true),
            replacements.Length > 0 ? Across(replacements, higherIsWorse: true) : null,
            campaigns, worlds.Select(w => w.Result).ToArray());
    }

    private static Spread Across(IEnumerable<(int Seed, double Value)> values, bool higherIsWorse)
    {
        var sorted = values.OrderBy(v => v.Value).ToArray();
        var median = sorted.Length % 2 == 1
            ? sorted[sorted.Length / 2].Value
            : (sorted[sorted.Length / 2 - 1].Value + sorted[sorted.Length / 2].Value) / 2;
        var worst = higherIsWorse ? sorted[^1] : sorted[0];
        return new Spread(median, worst.Value, worst.Seed);
    }
}
