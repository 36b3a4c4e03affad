using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Risk.Simulation;

/// <summary>
/// The labelled traffic simulator: a week of API requests in the event contract, from attack operations and
/// the benign crowds that resemble them, with the ground truth kept apart in labels.json.
/// <para>
/// A scenario is a cohort name, "demo", "all", or a comma-separated list of cohort names ("hydra,relay").
/// Output is a pure function of (scenario, scale, seed, start): one <see cref="Random"/> seeded with
/// <c>seed</c> seeds the shared world and then every cohort in a fixed order, so a cohort comes out the
/// same whichever scenario includes it, and nothing reads the clock.
/// </para>
/// </summary>
public static class Simulator
{
    public static readonly DateTime DefaultStart = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    private sealed record Cohort(string Name, bool Malicious, Action<CohortContext> Generate);

    /// <summary>Every cohort, in the order their generators are seeded. Append only: reordering changes every run.</summary>
    private static readonly Cohort[] Catalog =
    [
        new("hydra", true, AttackCohorts.Hydra),
        new("lockstep", true, AttackCohorts.Lockstep),
        new("pivot", true, AttackCohorts.Pivot),
        new("careful", true, AttackCohorts.Careful),
        new("nat", false, BenignCohorts.Nat),
        new("campus", false, BenignCohorts.Campus),
        new("corporate", false, BenignCohorts.Corporate),
        new("relay", false, BenignCohorts.Relay),
        new("agent", false, BenignCohorts.Agent),
        new("power", false, BenignCohorts.Power),
        new("automation", false, BenignCohorts.Automation),
        new("research", false, BenignCohorts.Research),
        new("bootcamp", false, BenignCohorts.Bootcamp),
    ];

    /// <summary>
    /// Named mixes: each cohort with the share of its scale-1 size it gets. The demo keeps every cohort large
    /// enough to show its shape (a hydra of ~50 plus replacements, a ring of 12) at about 25k events.
    /// </summary>
    private static readonly Dictionary<string, (string Cohort, double Share)[]> Mixes = new()
    {
        // A cohort a recipe leaves out (the reference has no bootcamp) is left out of the world and its labels.
        ["all"] = Catalog.Select(c => (c.Name, 1.0)).ToArray(),
        ["demo"] =
        [
            ("hydra", 0.1), ("lockstep", 0.3), ("nat", 0.25), ("campus", 0.25), ("corporate", 0.25),
            ("relay", 0.2), ("power", 0.2), ("automation", 0.1),
        ],
    };

    public static IReadOnlyList<string> Scenarios { get; } = [.. Catalog.Select(c => c.Name), "demo", "all"];

    /// <summary>Writes DIR/events.jsonl (sorted by ts) and DIR/labels.json; returns a summary.</summary>
    /// <param name="recipe">The world's parameters; <see cref="Recipe.Reference"/> unless given (`risk simulate` draws them per seed).</param>
    public static SimulationSummary Write(string scenario, string outDir, double scale = 1.0, int seed = 1, DateTime? start = null, Recipe? recipe = null)
    {
        var (events, labels) = Run(scenario, scale, seed, start, recipe ?? Recipe.Reference);
        Directory.CreateDirectory(outDir);
        using (var file = new FileStream(Path.Combine(outDir, "events.jsonl"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var json = new Utf8JsonWriter(file, WriterOptions))
        {
            foreach (var e in events)
            {
                TrafficLog.WriteJson(json, e);
                json.Flush();
                file.WriteByte((byte)'\n');
                json.Reset();
            }
        }
        File.WriteAllText(Path.Combine(outDir, "labels.json"), labels.ToJson() + "\n");
        return Summarize(labels);
    }

    /// <summary>Same events without writing (for tests): the JSON-lines strings in ts order plus labels.</summary>
    public static SimulatedTraffic Generate(string scenario, double scale = 1.0, int seed = 1, DateTime? start = null, Recipe? recipe = null)
    {
        var (events, labels) = Run(scenario, scale, seed, start, recipe ?? Recipe.Reference);
        var lines = new List<string>(events.Count);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var json = new Utf8JsonWriter(buffer, WriterOptions);
        foreach (var e in events)
        {
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            TrafficLog.WriteJson(json, e);
            json.Flush();
            lines.Add(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        return new SimulatedTraffic(lines, labels);
    }

    private static SimulationSummary Summarize(Labels labels) =>
        new(labels.Scenario, labels.Events, labels.Accounts.Count,
            labels.Cohorts.ToDictionary(kv => kv.Key, kv => kv.Value.Accounts));

    // Prompts keep their own script (Chinese stays Chinese); escaping is only what JSON requires.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static (List<SimEvent> Events, Labels Labels) Run(string scenario, double scale, int seed, DateTime? start, Recipe recipe)
    {
        if (!double.IsFinite(scale) || scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be a positive number");
        var mix = Resolve(scenario);
        if (recipe.BootcampAccounts == 0) mix.Remove("bootcamp");
        var begin = start switch
        {
            null => DefaultStart,
            { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
            { } other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
        };

        var master = new Random(seed);
        var world = new World(new Random(master.Next()), begin, scale, recipe);
        var seeds = Catalog.ToDictionary(c => c.Name, _ => master.Next());
        var log = new TrafficLog(world);
        foreach (var cohort in Catalog)
        {
            if (!mix.TryGetValue(cohort.Name, out var share)) continue;
            var campaign = cohort.Malicious ? cohort.Name : null;
            cohort.Generate(new CohortContext(cohort.Name, cohort.Malicious, campaign, new Random(seeds[cohort.Name]),
                scale * share * recipe.SizeOf(cohort.Name), log));
        }

        var events = log.Events;
        events.Sort(static (a, b) => a.Ts != b.Ts ? a.Ts.CompareTo(b.Ts) : a.Seq.CompareTo(b.Seq));
        return (events, BuildLabels(scenario, seed, scale, world, log, mix));
    }

    private static Dictionary<string, double> Resolve(string scenario)
    {
        var name = scenario.Trim().ToLowerInvariant();
        if (Mixes.TryGetValue(name, out var mix)) return mix.ToDictionary(m => m.Cohort, m => m.Share);
        var parts = name.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = parts.Where(p => Catalog.All(c => c.Name != p)).ToList();
        if (parts.Length == 0 || unknown.Count > 0)
            throw new ArgumentException(
                $"unknown scenario '{scenario}'; use one of {string.Join(", ", Scenarios)}, or cohorts joined by commas", nameof(scenario));
        return parts.Distinct().ToDictionary(p => p, _ => 1.0);
    }

    private static Labels BuildLabels(string scenario, int seed, double scale, World world, TrafficLog log, Dictionary<string, double> mix)
    {
        var active = log.Accounts.Where(a => a.Events > 0).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        var accounts = new Dictionary<string, AccountLabel>();
        foreach (var a in active) accounts[a.Id] = new AccountLabel(a.Cohort, a.Malicious, a.Replacement, a.Campaign);

        var cohorts = new Dictionary<string, CohortLabel>();
        foreach (var c in Catalog.Where(c => mix.ContainsKey(c.Name)))
        {
            var members = active.Where(a => a.Cohort == c.Name).ToList();
            cohorts[c.Name] = new CohortLabel(c.Malicious, members.Count, members.Sum(a => a.Events));
        }

        var clusters = active.Where(a => a.Campaign is not null)
            .GroupBy(a => a.Campaign!)
            .OrderBy(g => Array.FindIndex(Catalog, c => c.Name == g.First().Cohort))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(a => a.Id).ToList());

        return new Labels(scenario.Trim().ToLowerInvariant(), seed, scale, world.Start, world.End, log.Events.Count,
            new Dictionary<string, DateTime> { [Models.Next] = world.Launch }, cohorts, clusters, accounts, world.Recipe);
    }
}
