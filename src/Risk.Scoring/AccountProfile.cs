using System.Text.Json.Serialization;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Scoring;

/// <summary>
/// Everything an account's grain knows about its traffic, bounded whatever the volume: decayed counters,
/// a small HyperLogLog per identifier kind, a template ring, an activity clock and a table of content-family keys.
/// </summary>
public sealed class AccountProfile
{
    public static readonly TimeSpan ShortHalfLife = TimeSpan.FromHours(1);
    public static readonly TimeSpan DayHalfLife = TimeSpan.FromHours(24);
    public static readonly TimeSpan EarlyWindow = TimeSpan.FromHours(24);

    public long Events { get; set; }
    public DateTime FirstSeen { get; set; }
    public DateTime LastSeen { get; set; }
    public DateTime? Created { get; set; }
    public AccountTier Tier { get; set; }
    public string? Payment { get; set; }
    public string? LastIp { get; set; }
    public string? LastProxy { get; set; }
    /// <summary>The client fingerprint of the latest request that carried one.</summary>
    public string? LastJa4 { get; set; }

    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter RequestsHour;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter RequestsDay;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter Prompts;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter Cot;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter Rubric;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter Agentic;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter Sensitive;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter NearDuplicates;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter InTokens;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter OutTokens;
    /// <summary>Requests to a model within <see cref="EarlyWindow"/> of its launch.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter EarlyModelRequests;
    public HyperLogLog Ips { get; set; } = new(6);
    public HyperLogLog Asns { get; set; } = new(4);
    public TemplateRing Templates { get; set; } = new();
    public ActivityClock Clock { get; set; } = new();
    /// <summary>Requests that matched an extraction pattern, over the account's life.</summary>
    public long ContentEvents { get; set; }
    /// <summary>Requests through a proxy or an address shared with other accounts, over the account's life.</summary>
    public long SharedEvents { get; set; }
    public ContentFamilies Families { get; set; } = new();
    /// <summary>What a content family last said of the account, if it called it one of a ring.</summary>
    public RingEvidence? Ring { get; set; }

    /// <param name="modelLaunched">When the event's model was launched, if it counts as a recent launch.</param>
    /// <param name="shared">The request came through a proxy or an address other accounts use too.</param>
    public void Observe(RiskEvent e, DateTime? modelLaunched = null, bool shared = false)
    {
        var ts = e.Ts;
        if (Events == 0 || ts < FirstSeen) FirstSeen = ts;
        if (ts >= LastSeen)
        {
            LastSeen = ts;
            // Kept unless the value changed: every event brings new string instances, and a profile that swapped
            // them per event would keep promoting short-lived strings into the older generations.
            if (LastIp != e.Ip) LastIp = e.Ip;
            if (LastProxy != e.Proxy) LastProxy = e.Proxy;
            if (e.Ja4 is not null && LastJa4 != e.Ja4) LastJa4 = e.Ja4;
            if (e.Payment is not null && Payment != e.Payment) Payment = e.Payment;
        }
        Payment ??= e.Payment;
        Events++;
        if (e.AccountCreated is { } created) Created = created;
        if (e.Tier != AccountTier.Unknown) Tier = e.Tier;

        RequestsHour.Add(ts, 1, ShortHalfLife);
        RequestsDay.Add(ts, 1, DayHalfLife);
        InTokens.Add(ts, e.InTokens, DayHalfLife);
        OutTokens.Add(ts, e.OutTokens, DayHalfLife);
        Ips.Add(StableHash64.Of("ip", e.Ip));
        if (e.Asn is { } asn) Asns.Add(StableHash64.Of("asn", asn));
        Clock.Observe(ts);
        if (modelLaunched is { } launch && ts >= launch && ts - launch < EarlyWindow) EarlyModelRequests.Add(ts, 1, ShortHalfLife);

        if (shared || e.Proxy is not null) SharedEvents++;
        if (e.Prompt is { } p)
        {
            Prompts.Add(ts, 1, DayHalfLife);
            if (p.Kinds != PromptKinds.None) ContentEvents++;
            Families.Observe(p.Families);
            if (p.Kinds.HasFlag(PromptKinds.ChainOfThought)) Cot.Add(ts, 1, DayHalfLife);
            if (p.Kinds.HasFlag(PromptKinds.Rubric)) Rubric.Add(ts, 1, DayHalfLife);
            if ((p.Kinds & (PromptKinds.Agentic | PromptKinds.Coding)) != 0) Agentic.Add(ts, 1, DayHalfLife);
            if (p.Kinds.HasFlag(PromptKinds.SensitiveRewrite)) Sensitive.Add(ts, 1, DayHalfLife);
            if (p.SimHash != 0 && Templates.Observe(p.SimHash)) NearDuplicates.Add(ts, 1, DayHalfLife);
        }
    }

    /// <summary>Old enough, as of its latest event, to have standing (<see cref="Knobs.AccountEstablishedDays"/>).</summary>
    public bool IsEstablished(PolicyView policy) =>
        Created is { } c && (LastSeen - c).TotalDays >= policy[Knobs.AccountEstablishedDays];

    /// <summary>
    /// Looks like one of a careful ring, on its own: young, with enough history, a good share of it extraction
    /// content, and hardly ever at an address it shares with anyone. A content family calls a ring only when most of its accounts
    /// look like this and were opened together; a class's students look like this too, but meet at their venue.
    /// </summary>
    public bool IsRingLike(PolicyView policy) =>
        Created is { } c && (LastSeen - c).TotalDays < policy[Knobs.FamilyRingMaxAgeDays]
        && Events >= policy[Knobs.FamilyRingMinRequests]
        && (LastSeen - FirstSeen).TotalHours >= policy[Knobs.FamilyRingMinHistoryHours]
        && ContentEvents >= policy[Knobs.FamilyRingContentShare] * Events
        && SharedEvents <= policy[Knobs.FamilyRingMaxSharedShare] * Events;

    public bool IsNewAt(DateTime ts, PolicyView policy) =>
        Created is { } c && ts - c < TimeSpan.FromDays(policy[Knobs.AccountNewDays]);

    /// <summary>What the account's state says as of its latest event, in plain units; the input of <see cref="Assess"/>.</summary>
    public AccountSignals Measure()
    {
        var at = LastSeen;
        var prompts = Prompts.ValueAt(at, DayHalfLife);
        double Share(DecayedCounter c) => prompts <= 0 ? 0 : c.ValueAt(at, DayHalfLife) / prompts;
        var inTokens = InTokens.ValueAt(at, DayHalfLife);
        var outTokens = OutTokens.ValueAt(at, DayHalfLife);
        return new AccountSignals(
            Events,
            Prompts: prompts,
            CotShare: Share(Cot),
            RubricShare: Share(Rubric),
            AgenticShare: Share(Agentic),
            SensitiveShare: Share(Sensitive),
            TemplateReuseShare: Share(NearDuplicates),
            // A decayed count with half-life h settles at rate · h / ln 2.
            RequestsPerDay: RequestsDay.ValueAt(at, DayHalfLife) * Math.Log(2),
            Gaps: Clock.GapWeight,
            GapSpread: Clock.GapSpread(),
            ActiveHours: Clock.ActiveHours(),
            DistinctIps: Ips.Estimate(),
            DistinctAsns: Asns.Estimate(),
            Tokens: inTokens + outTokens,
            OutputToInput: outTokens / Math.Max(1, inTokens),
            AgeDays: Created is { } c ? (at - c).TotalDays : null,
            Tier,
            // Over the last hours, not the day: an operation moves its traffic within hours of a launch.
            EarlyModelShare: RequestsHour.ValueAt(at, ShortHalfLife) is var hour and > 0 ? EarlyModelRequests.ValueAt(at, ShortHalfLife) / hour : 0,
            TokensPerDay: (inTokens + outTokens) * Math.Log(2),
            RecentRequests: RequestsHour.ValueAt(at, ShortHalfLife));
    }

    /// <summary>The account's own risk as of its latest event, before cluster and network context.</summary>
    public Assessment Assess(PolicyView policy)
    {
        var a = new Assessment(policy.Version);
        if (Events == 0) return a;
        var m = Measure();
        // Shares of a handful of prompts say little; confidence grows with the prompts seen.
        var confidence = Evidence.Ramp(m.Prompts, 0, policy[Knobs.AccountMinRequests]);
        // The discounted tiers are where fraudulent sign-ups go; an established lab or school has earned its standing.
        var young = m.AgeDays is not { } age || age < policy[Knobs.TierScrutinyDays];
        var scrutiny = young && Tier is AccountTier.Edu or AccountTier.Research or AccountTier.Startup ? policy[Knobs.TierScrutinyMultiplier] : 1;
        void Content(string code, double share, RampKnobs ramp) =>
            a.Add(code, policy.Weight(code) * scrutiny, policy.Ramp(ramp, share) * confidence);

        Content(ReasonCodes.CotElicitation, m.CotShare, Knobs.CotElicitationShare);
        Content(ReasonCodes.RubricGrading, m.RubricShare, Knobs.RubricGradingShare);
        Content(ReasonCodes.AgenticExtraction, m.AgenticShare, Knobs.AgenticShare);
        Content(ReasonCodes.SensitiveRewrite, m.SensitiveShare, Knobs.SensitiveRewriteShare);
        Content(ReasonCodes.TemplateReuse, m.TemplateReuseShare, Knobs.TemplateReuseShare);

        var full = policy[Knobs.AccountFullAtMultiple];
        var highVolume = policy[Knobs.AccountHighVolumePerDay];
        a.Add(ReasonCodes.HighVolume, policy.Weight(ReasonCodes.HighVolume), Evidence.Ramp(m.RequestsPerDay, highVolume, full * highVolume));
        // Cost, not only count: a few huge requests can cost more than many small ones.
        var highTokens = policy[Knobs.AccountHighTokensPerDay];
        a.Add(ReasonCodes.HighTokenVolume, policy.Weight(ReasonCodes.HighTokenVolume), Evidence.Ramp(m.TokensPerDay, highTokens, full * highTokens));
        if (m.Gaps >= 10)
            a.Add(ReasonCodes.MachineTiming, policy.Weight(ReasonCodes.MachineTiming), policy.Ramp(Knobs.MachineTimingGapSpread, m.GapSpread));
        if (m.Events >= 48)
            a.Add(ReasonCodes.RoundTheClock, policy.Weight(ReasonCodes.RoundTheClock), policy.Ramp(Knobs.RoundTheClockHours, m.ActiveHours));
        var manyIps = policy[Knobs.AccountManyIps];
        a.Add(ReasonCodes.ManyIps, policy.Weight(ReasonCodes.ManyIps), Evidence.Ramp(m.DistinctIps, manyIps, full * manyIps));
        if (m.Tokens > 2000)
            a.Add(ReasonCodes.OutputHeavy, policy.Weight(ReasonCodes.OutputHeavy), policy.Ramp(Knobs.OutputHeavyRatio, m.OutputToInput));
        // Moving much of one's traffic to a model within hours of its launch is what a distillation operation
        // does; people adopt new models over days.
        // A share of the last hour's few requests is one person trying the new model; an operation moves many.
        var recent = Evidence.Ramp(m.RecentRequests, 0, policy[Knobs.AccountMinRequests]);
        a.Add(ReasonCodes.EarlyModelSwitch, policy.Weight(ReasonCodes.EarlyModelSwitch), policy.Ramp(Knobs.EarlyModelSwitchShare, m.EarlyModelShare) * confidence * recent);
        if (IsNewAt(LastSeen, policy)) a.Add(ReasonCodes.NewAccount, policy.Weight(ReasonCodes.NewAccount), 1);
        // Evidence across accounts, about what this account sends: it corroborates the content in full.
        if (Ring is { } ring && ring.IsActive(policy, LastSeen))
            a.Add(ReasonCodes.ContentRing, policy.Weight(ReasonCodes.ContentRing), policy.Ramp(Knobs.FamilyRingAccounts, ring.Members));

        // One kind of content alone, new account or not, may lift an account to throttle, no further, until something
        // corroborates it: a fresh student asking for step-by-step answers is that too.
        a.LimitTo(ReasonFamilies.IsContentOrNew, policy[Knobs.AccountUncorroboratedContentMax]
            + (100 - policy[Knobs.AccountUncorroboratedContentMax]) * a.Corroboration(policy));
        // Standing works the other way from scrutiny: operations run on fresh sign-ups, and an account held for
        // months has earned some benefit of the doubt for its own signals. What other accounts add (its cluster,
        // a campaign) still counts in full.
        if (IsEstablished(policy)) a.Scale(policy[Knobs.AccountEstablishedMultiplier]);
        return a;
    }
}
