using System.Collections.Frozen;
using Risk.Contracts;

namespace Risk.Edge;

/// <summary>One policy knob: its name, default, allowed range and meaning. Code refers to it by its field in <see cref="Knobs"/>.</summary>
public sealed class PolicyKnob
{
    internal PolicyKnob(int index, string key, double @default, double min, double max, string meaning) =>
        (Index, Key, Default, Min, Max, Meaning) = (index, key, @default, min, max, meaning);

    /// <summary>Its place in a <see cref="PolicyView"/>'s values: a read is an array index, not a dictionary lookup.</summary>
    internal int Index { get; }

    /// <summary>The name `risk policy set` takes and stored policies keep; never renamed.</summary>
    public string Key { get; }
    public double Default { get; }
    public double Min { get; }
    public double Max { get; }
    public string Meaning { get; }

    public override string ToString() => Key;
}

/// <summary>
/// Where a signal starts to count (<see cref="From"/>) and where it counts in full (<see cref="Full"/>), linear
/// between. <see cref="From"/> may be the larger of the two, for signals that grow as a measure falls.
/// </summary>
public sealed record RampKnobs(PolicyKnob From, PolicyKnob Full);

/// <summary>
/// Every policy knob, each declared once. Thresholds, weights and ramp bounds are policy: an operator tunes them at
/// runtime with `risk policy set`, and every silo and gateway applies the new value before the command returns.
/// </summary>
public static class Knobs
{
    // Declared before the knobs: the field initialisers below run in order and add to them.
    private static readonly List<PolicyKnob> Declared = [];
    private static readonly Dictionary<string, PolicyKnob> WeightOfCode = new(StringComparer.Ordinal);

    public static readonly PolicyKnob ThresholdThrottle = Knob("threshold.throttle", 40, 0, 100, "score at or above which requests are throttled");
    public static readonly PolicyKnob ThresholdChallenge = Knob("threshold.challenge", 60, 0, 100, "score at or above which requests are challenged");
    public static readonly PolicyKnob ThresholdBlock = Knob("threshold.block", 85, 0, 100, "score at or above which requests are blocked");
    public static readonly PolicyKnob ThrottleRetryAfterSeconds = Knob("throttle.retry_after_s", 30, 1, 3600, "Retry-After given with a throttle");

    public static readonly PolicyKnob WeightCotElicitation = Weight(ReasonCodes.CotElicitation, 45, "points for a high share of chain-of-thought elicitation");
    public static readonly PolicyKnob WeightRubricGrading = Weight(ReasonCodes.RubricGrading, 40, "points for a high share of rubric or grading prompts");
    public static readonly PolicyKnob WeightAgenticExtraction = Weight(ReasonCodes.AgenticExtraction, 25, "points for a high share of agentic, tool-use or coding prompts");
    public static readonly PolicyKnob WeightSensitiveRewrite = Weight(ReasonCodes.SensitiveRewrite, 30, "points for a high share of sensitive-question rewrites");
    public static readonly PolicyKnob WeightTemplateReuse = Weight(ReasonCodes.TemplateReuse, 35, "points for a high rate of near-duplicate prompts");
    public static readonly PolicyKnob WeightHighVolume = Weight(ReasonCodes.HighVolume, 20, "points for a request rate far above an ordinary user's");
    public static readonly PolicyKnob WeightHighTokenVolume = Weight(ReasonCodes.HighTokenVolume, 20, "points for a token volume far above an ordinary user's: throttling by cost, not only by requests");
    public static readonly PolicyKnob WeightMachineTiming = Weight(ReasonCodes.MachineTiming, 20, "points for gaps between requests that are too regular");
    public static readonly PolicyKnob WeightRoundTheClock = Weight(ReasonCodes.RoundTheClock, 15, "points for activity in nearly every hour of the day");
    public static readonly PolicyKnob WeightManyIps = Weight(ReasonCodes.ManyIps, 15, "points for one account using many IP addresses");
    public static readonly PolicyKnob WeightOutputHeavy = Weight(ReasonCodes.OutputHeavy, 10, "points for far more output than input tokens");
    public static readonly PolicyKnob WeightEarlyModelSwitch = Weight(ReasonCodes.EarlyModelSwitch, 20, "points for moving much traffic to a model within a day of its launch");
    public static readonly PolicyKnob WeightNewAccount = Weight(ReasonCodes.NewAccount, 10, "points for an account younger than account.new_days");
    public static readonly PolicyKnob WeightIpFanout = Weight(ReasonCodes.IpFanout, 20, "context points when the IP serves many accounts");
    public static readonly PolicyKnob WeightProxyFanout = Weight(ReasonCodes.ProxyFanout, 20, "context points when the proxy serves many accounts");
    public static readonly PolicyKnob WeightNewAccountShare = Weight(ReasonCodes.NewAccountShare, 20, "context points when an IP or proxy mostly carries new accounts");
    public static readonly PolicyKnob WeightTemplateOverlap = Weight(ReasonCodes.TemplateOverlap, 15, "context points when an IP's or proxy's accounts send the same templates");
    public static readonly PolicyKnob WeightSynchrony = Weight(ReasonCodes.Synchrony, 20, "context points when an IP's or proxy's accounts fire within seconds of each other");
    public static readonly PolicyKnob WeightFingerprintMonoculture = Weight(ReasonCodes.FingerprintMonoculture, 10, "context points when many accounts share few TLS fingerprints");
    public static readonly PolicyKnob WeightFlaggedMembers = Weight(ReasonCodes.FlaggedMembers, 30, "context points when much of an IP's or proxy's traffic comes from flagged accounts");
    public static readonly PolicyKnob WeightClusterRisk = Weight(ReasonCodes.ClusterRisk, 70, "points an account inherits from a risky cluster");
    public static readonly PolicyKnob WeightContentRing = Weight(ReasonCodes.ContentRing, 50, "points when a content family finds the account one of a dispersed ring of young accounts sending the same kind of extraction content");
    public static readonly PolicyKnob NetworkMaxPoints = Knob("network.max_points", 35, 0, 100, "the most that IP and proxy context together can add");
    public static readonly PolicyKnob NetworkContextFrom = Knob("network.context_from", 20, 0, 100, "own score below which IP and proxy context adds nothing: sharing alone is not guilt");
    public static readonly PolicyKnob NetworkContextFull = Knob("network.context_full", 50, 0, 100, "own score at which IP and proxy context counts in full");

    public static readonly PolicyKnob TierScrutinyMultiplier = Knob("tier.scrutiny_multiplier", 1.25, 1, 3, "multiplier on content points for young edu, research and startup accounts");
    public static readonly PolicyKnob TierScrutinyDays = Knob("tier.scrutiny_days", 90, 0, 3650, "edu, research and startup accounts younger than this get the scrutiny multiplier");
    public static readonly PolicyKnob AccountEstablishedDays = Knob("account.established_days", 120, 0, 3650, "an account at least this old has standing: its own points get account.established_multiplier");
    public static readonly PolicyKnob AccountEstablishedMultiplier = Knob("account.established_multiplier", 0.7, 0, 1, "multiplier on an established account's own points (operations run on fresh sign-ups; cluster and campaign points still count in full)");
    public static readonly PolicyKnob AccountNewDays = Knob("account.new_days", 7, 0, 365, "an account younger than this many days counts as new");
    public static readonly PolicyKnob AccountMinRequests = Knob("account.min_requests", 8, 1, 10000, "requests before content shares count fully");
    public static readonly PolicyKnob AccountHighVolumePerDay = Knob("account.high_volume_per_day", 400, 1, 1e7, "requests per day that count as high volume");
    public static readonly PolicyKnob AccountHighTokensPerDay = Knob("account.high_tokens_per_day", 2_000_000, 1, 1e12, "input plus output tokens per day that count as high volume");
    public static readonly PolicyKnob AccountManyIps = Knob("account.many_ips", 8, 1, 1e6, "distinct IPs that count as many");
    public static readonly PolicyKnob AccountFullAtMultiple = Knob("account.full_at_multiple", 3, 1, 100, "how many times its threshold a volume signal (requests, tokens, IPs) must reach to count in full");
    public static readonly PolicyKnob AccountUncorroboratedContentMax = Knob("account.uncorroborated_content_max", 50, 0, 100, "the most one kind of extraction content scores while nothing corroborates it (a second kind, or behaviour)");
    public static readonly PolicyKnob AccountCorroborationPoints = Knob("account.corroboration_points", 10, 0.5, 100, "behaviour points (volume, timing, hours, IPs, output, model switch) at which content counts in full");
    public static readonly PolicyKnob NetworkFanoutAccounts = Knob("network.fanout_accounts", 40, 2, 1e7, "distinct accounts at which an IP or proxy counts as crowded");
    public static readonly PolicyKnob ClusterMinMembers = Knob("cluster.min_members", 6, 2, 1e6, "members before a cluster's risk flows back; a family or a small team sharing a card is not a ring");
    public static readonly PolicyKnob ClusterFullMembers = Knob("cluster.full_members", 12, 2, 1e6, "members at which a cluster's risk flows back at full strength");
    public static readonly PolicyKnob ClusterLinkFlaggedShare = Knob("cluster.link_flagged_share", 0.5, 0, 1, "share of an IP's or proxy's traffic from flagged accounts at which it links their clusters");
    public static readonly PolicyKnob ClusterLinkMinAccounts = Knob("cluster.link_min_accounts", 5, 2, 1e6, "accounts an IP or proxy must carry before it links clusters");
    public static readonly PolicyKnob ClusterLinkContentPoints = Knob("cluster.link_content_points", 20, 0, 100, "extraction-content points an account needs, with an own score at the throttle line, before a hub links its cluster: behaviour alone is what a relay's customers show");
    public static readonly PolicyKnob CampaignMemoryDays = Knob("campaign.memory_days", 7, 0, 365, "days a campaign flag holds an account after the last evidence that renewed it, unless an operator clears it");
    public static readonly PolicyKnob CampaignMinFlaggedMembers = Knob("campaign.min_flagged_members", 3, 1, 1e6, "members of an account's cluster flagged by their own signals before its flag is remembered as a campaign's");
    public static readonly PolicyKnob FamilyRingShare = Knob("family.ring_share", 0.5, 0, 1, "share of a content family's accounts that must be ring-like (young, dispersed, content-heavy, opened within family.ring_span_days) for it to call them a ring");
    public static readonly PolicyKnob FamilyRingSpanDays = Knob("family.ring_span_days", 14, 0, 3650, "days within which a ring's accounts were opened");
    public static readonly PolicyKnob FamilyRingMaxAgeDays = Knob("family.ring_max_age_days", 60, 0, 3650, "an account older than this is never ring-like");
    public static readonly PolicyKnob FamilyRingMinRequests = Knob("family.ring_min_requests", 20, 1, 1e6, "requests an account must have sent before it can be ring-like");
    public static readonly PolicyKnob FamilyRingMinHistoryHours = Knob("family.ring_min_history_hours", 36, 0, 8760, "hours between an account's first and latest requests before it can be ring-like: a class meets on its second day, if not its first");
    public static readonly PolicyKnob FamilyRingContentShare = Knob("family.ring_content_share", 0.3, 0, 1, "share of a ring-like account's requests that match an extraction pattern");
    public static readonly PolicyKnob FamilyRingMaxSharedShare = Knob("family.ring_max_shared_share", 0.2, 0, 1, "most of a ring-like account's requests that may come through a proxy or an address shared by family.shared_address_accounts accounts: students meet at a venue, a careful ring never does");
    public static readonly PolicyKnob FamilySharedAddressAccounts = Knob("family.shared_address_accounts", 3, 2, 1e6, "accounts an address carries before it counts as shared");
    public static readonly PolicyKnob PushMinScoreChange = Knob("push.min_score_change", 5, 0, 100, "score change that counts as material for pushes");

    // Ramps: where each signal starts to count and where it counts in full.
    public static readonly RampKnobs CotElicitationShare = Ramp(ReasonCodes.CotElicitation, 0.3, 0.8, 1, "share of an account's prompts that elicit chain-of-thought");
    public static readonly RampKnobs RubricGradingShare = Ramp(ReasonCodes.RubricGrading, 0.2, 0.6, 1, "share of an account's prompts that grade against a rubric");
    public static readonly RampKnobs AgenticShare = Ramp(ReasonCodes.AgenticExtraction, 0.5, 0.95, 1, "share of an account's prompts that are agentic, tool-use or coding");
    public static readonly RampKnobs SensitiveRewriteShare = Ramp(ReasonCodes.SensitiveRewrite, 0.1, 0.4, 1, "share of an account's prompts that rewrite sensitive questions");
    public static readonly RampKnobs TemplateReuseShare = Ramp(ReasonCodes.TemplateReuse, 0.3, 0.8, 1, "share of an account's prompts that are near-duplicates of its recent ones");
    public static readonly RampKnobs MachineTimingGapSpread = Ramp(ReasonCodes.MachineTiming, 0.7, 0.2, 10, "spread of the log of gaps between requests (lower is more regular)");
    public static readonly RampKnobs RoundTheClockHours = Ramp(ReasonCodes.RoundTheClock, 16, 22, 24, "active hours of the day");
    public static readonly RampKnobs OutputHeavyRatio = Ramp(ReasonCodes.OutputHeavy, 4, 12, 1000, "output tokens per input token");
    public static readonly RampKnobs EarlyModelSwitchShare = Ramp(ReasonCodes.EarlyModelSwitch, 0.25, 0.5, 1, "share of recent traffic on a model launched within a day");
    public static readonly RampKnobs NetworkGroupAccounts = Ramp("network.group", 5, 20, 1e6, "accounts behind an IP or proxy before its group signals (new accounts, templates, synchrony, fingerprints, flagged members) count");
    public static readonly RampKnobs NewAccountShare = Ramp(ReasonCodes.NewAccountShare, 0.5, 0.9, 1, "share of an IP's or proxy's requests from new accounts");
    public static readonly RampKnobs TemplateOverlapShare = Ramp(ReasonCodes.TemplateOverlap, 0.3, 0.7, 1, "share of an IP's or proxy's prompts whose template another account sent");
    public static readonly RampKnobs SynchronyShare = Ramp(ReasonCodes.Synchrony, 0.4, 0.8, 1, "share of an IP's or proxy's requests within seconds of other accounts'");
    public static readonly RampKnobs FingerprintMonocultureRatio = Ramp(ReasonCodes.FingerprintMonoculture, 10, 50, 1e6, "accounts per distinct TLS fingerprint behind an IP or proxy");
    public static readonly RampKnobs FlaggedMembersShare = Ramp(ReasonCodes.FlaggedMembers, 0.3, 0.7, 1, "share of an IP's or proxy's traffic from flagged accounts (by their own signals, cluster or campaign flag)");
    public static readonly RampKnobs ClusterFlaggedShare = Ramp("cluster.flagged_share", 0.2, 0.6, 1, "share of a cluster's members flagged by their own signals");
    public static readonly RampKnobs FamilyRingAccounts = Ramp("family.ring_accounts", 6, 12, 1e6, "ring-like accounts a content family holds, opened within family.ring_span_days of each other");
    public static readonly RampKnobs ClusterMeanScore = Ramp("cluster.mean_score", 30, 50, 100, "mean of a cluster's members' latest own scores (an established member's counts as 0)");

    /// <summary>Every knob, in the order `risk policy show` lists them.</summary>
    public static IReadOnlyList<PolicyKnob> All => Declared;

    /// <summary>The weight knob of a reason code.</summary>
    /// <exception cref="KeyNotFoundException">The code has no weight (overrides, for one).</exception>
    public static PolicyKnob WeightOf(string reasonCode) => WeightOfCode[reasonCode];

    /// <summary>Each weighted reason code with its weight knob.</summary>
    public static IReadOnlyDictionary<string, PolicyKnob> WeightsByCode => WeightOfCode;

    private static PolicyKnob Knob(string key, double @default, double min, double max, string meaning)
    {
        var knob = new PolicyKnob(Declared.Count, key, @default, min, max, meaning);
        Declared.Add(knob);
        return knob;
    }

    private static PolicyKnob Weight(string reasonCode, double @default, string meaning)
    {
        var knob = Knob("weight." + reasonCode, @default, 0, 100, meaning);
        WeightOfCode.Add(reasonCode, knob);
        return knob;
    }

    private static RampKnobs Ramp(string name, double from, double full, double max, string measure) => new(
        Knob($"ramp.{name}.from", from, 0, max, $"{measure}: where {name} starts to count"),
        Knob($"ramp.{name}.full", full, 0, max, $"{measure}: where {name} counts in full"));
}

/// <summary>The catalogue of policy settings: `risk policy set` accepts exactly these keys.</summary>
public static class PolicyCatalog
{
    public static readonly FrozenDictionary<string, PolicyKnob> ByKey = Knobs.All.ToFrozenDictionary(k => k.Key);

    public static RiskPolicy Initial(DateTime at) =>
        new(1, Knobs.All.ToDictionary(k => k.Key, k => k.Default), at);

    /// <returns>Null when the change is valid, otherwise why not.</returns>
    public static string? Check(string key, double value)
    {
        if (!ByKey.TryGetValue(key, out var knob)) return $"unknown policy key '{key}'; see `risk policy show`";
        if (double.IsNaN(value) || value < knob.Min || value > knob.Max) return $"{key} must be between {knob.Min} and {knob.Max}";
        return null;
    }

    /// <summary>
    /// Every knob whose value differs between two policies, in catalogue order, with its value under each. Values are
    /// as decisions read them: a knob a stored policy lacks is at its default, so a knob added later is no difference.
    /// </summary>
    public static IReadOnlyDictionary<string, (double From, double To)> Differences(RiskPolicy from, RiskPolicy to)
    {
        var (a, b) = (new PolicyView(from), new PolicyView(to));
        var differences = new Dictionary<string, (double, double)>();
        foreach (var knob in Knobs.All)
            if (a[knob] != b[knob]) differences[knob.Key] = (a[knob], b[knob]);
        return differences;
    }

    /// <summary>Pairs of knobs whose values must not cross: the first at most the second.</summary>
    private static readonly (PolicyKnob Low, PolicyKnob High)[] Ordered =
    [
        (Knobs.ThresholdThrottle, Knobs.ThresholdChallenge),
        (Knobs.ThresholdChallenge, Knobs.ThresholdBlock),
        (Knobs.NetworkContextFrom, Knobs.NetworkContextFull),
        (Knobs.ClusterMinMembers, Knobs.ClusterFullMembers),
        (Knobs.FamilyRingAccounts.From, Knobs.FamilyRingAccounts.Full),
    ];

    /// <returns>Null when the settings as a whole make sense, otherwise why not: each knob may be in range and the
    /// policy still unusable, as a throttle line above the block line would be.</returns>
    public static string? CheckConsistency(IReadOnlyDictionary<string, double> settings)
    {
        double Value(PolicyKnob k) => settings.TryGetValue(k.Key, out var v) ? v : k.Default;
        foreach (var (low, high) in Ordered)
            if (Value(low) > Value(high))
                return $"{low.Key} ({Value(low)}) must not be above {high.Key} ({Value(high)})";
        return null;
    }
}

/// <summary>
/// A policy as code reads it: each knob's value by its symbol, falling back to the knob's default for knobs added
/// after the policy was stored.
/// </summary>
public sealed class PolicyView
{
    public static readonly PolicyView Default = new(PolicyCatalog.Initial(DateTime.UnixEpoch));

    private readonly double[] _values;

    public PolicyView(RiskPolicy policy)
    {
        Policy = policy;
        _values = new double[Knobs.All.Count];
        foreach (var knob in Knobs.All)
            _values[knob.Index] = policy.Settings.TryGetValue(knob.Key, out var v) ? v : knob.Default;
    }

    public RiskPolicy Policy { get; }
    public long Version => Policy.Version;

    public double this[PolicyKnob knob] => _values[knob.Index];

    /// <summary>The weight of a reason code.</summary>
    public double Weight(string reasonCode) => this[Knobs.WeightOf(reasonCode)];

    /// <summary>0 to 1: how far <paramref name="value"/> is along <paramref name="ramp"/>.</summary>
    public double Ramp(RampKnobs ramp, double value) => Evidence.Ramp(value, this[ramp.From], this[ramp.Full]);
}
