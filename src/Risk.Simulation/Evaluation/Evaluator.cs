using System.Globalization;
using System.Text.Json;

namespace Risk.Simulation;

/// <summary>
/// Scores what a system concluded about each account against a simulator's labels. It reads outcomes, not grains,
/// so it scores any system whose verdicts can be written as <see cref="AccountOutcome"/>s.
/// </summary>
public static class Evaluator
{
    /// <param name="requestsToFlag">Per flagged account, the requests it sent up to and including its first flag.</param>
    public static Evaluation Score(IReadOnlyList<AccountOutcome> outcomes, Labels labels, IReadOnlyDictionary<string, int> requestsToFlag)
    {
        var byAccount = outcomes.ToDictionary(v => v.Account, StringComparer.Ordinal);
        bool IsFlagged(string account) => byAccount.TryGetValue(account, out var v) && v.Flagged;
        bool WasFlagged(string account) => byAccount.TryGetValue(account, out var v) && v.FlaggedEver;

        var cohorts = labels.Accounts
            .GroupBy(a => a.Value.Cohort)
            .Select(g =>
            {
                var accounts = g.Select(a => a.Key).ToArray();
                var flagged = accounts.Where(IsFlagged).ToArray();
                var throttled = accounts.Count(a => byAccount.TryGetValue(a, out var v) && v.Throttled);
                var ever = accounts.Count(WasFlagged);
                return new CohortResult(g.Key, g.First().Value.Malicious, accounts.Length, flagged.Length,
                    Ratio(flagged.Length, accounts.Length), ever, Ratio(ever, accounts.Length),
                    Median(flagged.Select(a => requestsToFlag.GetValueOrDefault(a))), throttled);
            })
            .OrderByDescending(c => c.Malicious).ThenBy(c => c.Cohort, StringComparer.Ordinal)
            .ToArray();

        var flaggedAll = labels.Accounts.Keys.Where(IsFlagged).ToArray();
        var benign = labels.Accounts.Where(a => !a.Value.Malicious).Select(a => a.Key).ToArray();
        var replacements = labels.Accounts.Where(a => a.Value.Replacement).Select(a => a.Key).ToArray();
        var replacementsFlagged = replacements.Where(IsFlagged).ToArray();

        return new Evaluation(
            cohorts,
            labels.Accounts.Count,
            flaggedAll.Length,
            Ratio(flaggedAll.Count(a => labels.Accounts[a].Malicious), flaggedAll.Length),
            Ratio(benign.Count(IsFlagged), benign.Length),
            Ratio(benign.Count(WasFlagged), benign.Length),
            replacements.Length,
            replacementsFlagged.Length,
            Median(replacementsFlagged.Select(a => requestsToFlag.GetValueOrDefault(a))),
            labels.Clusters.Select(c => MainCluster(c.Key, c.Value, byAccount)).ToArray());
    }

    /// <summary>
    /// Counts, per flagged account, its events up to and including its first-flagged time: a second pass over
    /// the events file, so replay itself keeps no per-event list.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, int>> RequestsToFlag(string eventsPath, IReadOnlyList<AccountOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        var flaggedAt = outcomes.Where(v => v.FirstFlaggedAt is not null).ToDictionary(v => v.Account, v => v.FirstFlaggedAt!.Value, StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var line in File.ReadLinesAsync(eventsPath, cancellationToken))
        {
            var parsed = Header(line);
            if (parsed is not { } e || !flaggedAt.TryGetValue(e.Account, out var at) || e.Ts > at) continue;
            counts[e.Account] = counts.GetValueOrDefault(e.Account) + 1;
        }
        return counts;
    }

    /// <summary>Just the time and the account of an event line, or null; lines the replay refused count for nothing.</summary>
    private static (DateTime Ts, string Account)? Header(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var json = doc.RootElement;
            if (json.ValueKind != JsonValueKind.Object
                || !json.TryGetProperty("account", out var account) || account.ValueKind != JsonValueKind.String
                || !json.TryGetProperty("ts", out var ts) || ts.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                return null;
            return (at.UtcDateTime, account.GetString()!);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CampaignCluster MainCluster(string campaign, IReadOnlyList<string> members, IReadOnlyDictionary<string, AccountOutcome> byAccount)
    {
        var main = members
            .Select(m => byAccount.GetValueOrDefault(m)?.Cluster)
            .Where(c => c is not null)
            .GroupBy(c => c)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        if (main is null) return new CampaignCluster(campaign, null, 0, 0, members.Count, 0, 0);
        var inCluster = byAccount.Values.Count(v => v.Cluster == main.Key);
        return new CampaignCluster(campaign, main.Key, inCluster, main.Count(), members.Count,
            Ratio(main.Count(), inCluster), Ratio(main.Count(), members.Count));
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static double? Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
    }
}
