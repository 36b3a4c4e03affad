using System.Text.Json.Serialization;

namespace Risk.Simulation;

/// <summary>
/// The parameters a world is drawn with. A detector tuned on seeds of one fixed recipe learns the recipe, so
/// <see cref="Draw"/> takes every parameter from a documented range, per seed; <see cref="Reference"/> is the
/// recipe the detectors were first built against (the demo uses it). The ranges are written next to each field.
/// </summary>
/// <param name="HydraPerDay">Median requests per day of a hydra worker (reference 24; drawn 8 to 60).</param>
/// <param name="HydraOrdinaryFrom">Least share of a hydra worker's requests that are the relay's ordinary prompts (camouflage).</param>
/// <param name="HydraOrdinaryTo">Most such share (reference 0.18 to 0.32; drawn around 0.05 to 0.5, ± 0.07).</param>
/// <param name="HydraAccountsPerCard">Hydra accounts per payment card; null: a dozen-odd cards of uneven use (reference); drawn 1 to 30.</param>
/// <param name="HydraRelayShare">Share of hydra workers that go through the reseller relay; the rest use its residential exits directly, with no proxy named (reference 1; drawn 0.3 to 1).</param>
/// <param name="LockstepJitterSeconds">How far apart, at most, a lockstep burst's requests fall (reference 3.5; drawn 0 to 30).</param>
/// <param name="LockstepPeriodMinutes">Mean minutes between lockstep bursts, each gap within a third of it (reference 15; drawn 8 to 45).</param>
/// <param name="PivotAgenticShare">Share of a pivot account's sessions that are agentic extraction, the rest ordinary developer questions (reference 1; drawn 0.5 to 0.9).</param>
/// <param name="PivotSwitchShare">Share of pivot workers moved to the new model after its launch (reference 0.5; drawn 0.3 to 0.7).</param>
/// <param name="LaunchAfter">When the new model is launched, after the week starts (reference 2 days 17 h; drawn 1 to 4.5 days).</param>
/// <param name="CarefulExtractionFrom">Least share of a careful-ring account's requests that extract.</param>
/// <param name="CarefulExtractionTo">Most such share (reference 0.5 to 0.7; drawn around 0.4 to 0.8, ± 0.1).</param>
/// <param name="Sizes">Each cohort's size against its scale-1 size (reference 1; drawn 0.5 to 2 for crowds, 0.6 to 1.6 for attacks).</param>
/// <param name="BootcampAccounts">Accounts in a same-week cohort of fresh edu accounts at a coding bootcamp (reference 0, none; drawn 30 to 120).</param>
public sealed record Recipe(
    double HydraPerDay,
    double HydraOrdinaryFrom,
    double HydraOrdinaryTo,
    double? HydraAccountsPerCard,
    double HydraRelayShare,
    double LockstepJitterSeconds,
    double LockstepPeriodMinutes,
    double PivotAgenticShare,
    double PivotSwitchShare,
    TimeSpan LaunchAfter,
    double CarefulExtractionFrom,
    double CarefulExtractionTo,
    IReadOnlyDictionary<string, double> Sizes,
    int BootcampAccounts)
{
    public static readonly Recipe Reference = new(
        HydraPerDay: 24,
        HydraOrdinaryFrom: 0.18,
        HydraOrdinaryTo: 0.32,
        HydraAccountsPerCard: null,
        HydraRelayShare: 1,
        LockstepJitterSeconds: 3.5,
        LockstepPeriodMinutes: 15,
        PivotAgenticShare: 1,
        PivotSwitchShare: 0.5,
        LaunchAfter: TimeSpan.FromDays(2) + TimeSpan.FromHours(17),
        CarefulExtractionFrom: 0.5,
        CarefulExtractionTo: 0.7,
        Sizes: new Dictionary<string, double>(),
        BootcampAccounts: 0);

    private static readonly string[] Crowds = ["nat", "campus", "corporate", "relay", "agent", "power", "automation", "research"];
    private static readonly string[] Attacks = ["hydra", "lockstep", "pivot", "careful"];

    /// <summary>A world's parameters drawn from their ranges. Its own generator: the cohorts' streams are untouched by it.</summary>
    public static Recipe Draw(int seed)
    {
        // Not HashCode.Combine: it is seeded afresh in every process, and a seed must give the same world anywhere.
        var rng = new Random(unchecked(seed * 7919 + 0x5EED));
        var ordinary = rng.Uniform(0.05, 0.5);
        var careful = rng.Uniform(0.4, 0.8);
        var sizes = new Dictionary<string, double>();
        foreach (var crowd in Crowds) sizes[crowd] = Math.Round(rng.Uniform(0.5, 2), 2);
        foreach (var attack in Attacks) sizes[attack] = Math.Round(rng.Uniform(0.6, 1.6), 2);
        return new Recipe(
            HydraPerDay: Math.Round(rng.Uniform(8, 60), 1),
            HydraOrdinaryFrom: Math.Round(Math.Max(0, ordinary - 0.07), 3),
            HydraOrdinaryTo: Math.Round(ordinary + 0.07, 3),
            HydraAccountsPerCard: Math.Round(rng.Uniform(1, 30), 1),
            HydraRelayShare: Math.Round(rng.Uniform(0.3, 1), 2),
            LockstepJitterSeconds: Math.Round(rng.Uniform(0, 30), 1),
            LockstepPeriodMinutes: Math.Round(rng.Uniform(8, 45), 1),
            PivotAgenticShare: Math.Round(rng.Uniform(0.5, 0.9), 2),
            PivotSwitchShare: Math.Round(rng.Uniform(0.3, 0.7), 2),
            LaunchAfter: TimeSpan.FromHours(Math.Round(rng.Uniform(24, 108), 1)),
            CarefulExtractionFrom: Math.Round(careful - 0.1, 3),
            CarefulExtractionTo: Math.Round(careful + 0.1, 3),
            Sizes: sizes,
            BootcampAccounts: rng.Between(30, 120));
    }

    /// <summary>A cohort's size against its scale-1 size.</summary>
    public double SizeOf(string cohort) => Sizes.TryGetValue(cohort, out var size) ? size : 1;

    [JsonIgnore]
    public bool IsReference => ReferenceEquals(this, Reference);
}
