using System.Text.Encodings.Web;
using System.Text.Json;

namespace Risk.Simulation;

/// <summary>
/// The ground truth of a simulated run, written as labels.json beside events.jsonl. It is the only place a
/// cohort is named: account ids are neutral, so a detector cannot read the answer off the data.
/// </summary>
/// <param name="Scenario">The scenario the run was generated from.</param>
/// <param name="Seed">The seed; the same (scenario, scale, seed, start) always gives the same files.</param>
/// <param name="Scale">The multiplier on every cohort's number of accounts.</param>
/// <param name="Start">Event time of the beginning of the simulated week.</param>
/// <param name="End">Event time of its end; no event is at or after it.</param>
/// <param name="Events">How many events the run holds.</param>
/// <param name="Launches">Model releases during the run, by model name, for measuring how soon accounts switch.</param>
/// <param name="Cohorts">Per cohort: whether it is an attack, and its accounts and events.</param>
/// <param name="Clusters">Per campaign: the accounts that are truly coordinated, the groups a detector should find.</param>
/// <param name="Accounts">Every account that sent at least one event.</param>
public sealed record Labels(
    string Scenario,
    int Seed,
    double Scale,
    DateTime Start,
    DateTime End,
    int Events,
    IReadOnlyDictionary<string, DateTime> Launches,
    IReadOnlyDictionary<string, CohortLabel> Cohorts,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Clusters,
    IReadOnlyDictionary<string, AccountLabel> Accounts,
    Recipe? Recipe = null)
{
    /// <summary>camelCase, indented, with non-ASCII left readable. Dictionary keys (account ids) are kept as they are.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static Labels FromJson(string json) =>
        JsonSerializer.Deserialize<Labels>(json, JsonOptions) ?? throw new JsonException("labels: expected a JSON object");

    public static Labels Read(string path) => FromJson(File.ReadAllText(path));
}

/// <param name="Cohort">The generator the account came from, e.g. "hydra" or "nat".</param>
/// <param name="Malicious">True for the attack cohorts.</param>
/// <param name="Replacement">True for an account that took the place of a banned one mid-run.</param>
/// <param name="Campaign">The coordinated operation the account belongs to; null for benign accounts.</param>
public sealed record AccountLabel(string Cohort, bool Malicious, bool Replacement, string? Campaign);

public sealed record CohortLabel(bool Malicious, int Accounts, int Events);

/// <summary>What <see cref="Simulator.Write"/> produced.</summary>
public sealed record SimulationSummary(string Scenario, int Events, int Accounts, IReadOnlyDictionary<string, int> AccountsPerCohort);

/// <summary>A run held in memory: the JSON lines in time order, and their labels.</summary>
public sealed record SimulatedTraffic(IReadOnlyList<string> Lines, Labels Labels);
