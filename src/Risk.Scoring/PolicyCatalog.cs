using System.Collections.Frozen;
using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>One policy knob: its name, default and allowed range. Every constant that is policy lives here.</summary>
public sealed record PolicyKnob(string Key, double Default, double Min, double Max, string Meaning);

/// <summary>The catalogue of policy settings. `risk policy set` accepts exactly these keys.</summary>
public static class PolicyCatalog
{
    public static readonly IReadOnlyList<PolicyKnob> Knobs =
    [
        new("threshold.throttle", 40, 0, 100, "score at or above which requests are throttled"),
        new("threshold.challenge", 60, 0, 100, "score at or above which requests are challenged"),
        new("threshold.block", 85, 0, 100, "score at or above which requests are blocked"),
        new("throttle.retry_after_s", 30, 1, 3600, "Retry-After given with a throttle"),

        new("weight.cot_elicitation", 45, 0, 100, "points for a high share of chain-of-thought elicitation"),
        new("weight.rubric_grading", 40, 0, 100, "points for a high share of rubric or grading prompts"),
        new("weight.agentic_extraction", 25, 0, 100, "points for a high share of agentic, tool-use or coding prompts"),
        new("weight.sensitive_rewrite", 30, 0, 100, "points for a high share of sensitive-question rewrites"),
        new("weight.template_reuse", 35, 0, 100, "points for a high rate of near-duplicate prompts"),
        new("weight.high_volume", 20, 0, 100, "points for a request rate far above an ordinary user's"),
        new("weight.high_token_volume", 20, 0, 100, "points for a token volume far above an ordinary user's: throttling by cost, not only by requests"),
        new("weight.machine_timing", 20, 0, 100, "points for gaps between requests that are too regular"),
        new("weight.round_the_clock", 15, 0, 100, "points for activity in nearly every hour of the day"),
        new("weight.many_ips", 15, 0, 100, "points for one account using many IP addresses"),
        new("weight.output_heavy", 10, 0, 100, "points for far more output than input tokens"),
        new("weight.early_model_switch", 20, 0, 100, "points for moving much traffic to a model within a day of its launch"),
        new("weight.new_account", 10, 0, 100, "points for an account younger than account.new_days"),
        new("weight.ip_fanout", 20, 0, 100, "context points when the IP serves many accounts"),
        new("weight.proxy_fanout", 20, 0, 100, "context points when the proxy serves many accounts"),
        new("weight.new_account_share", 20, 0, 100, "context points when an IP or proxy mostly carries new accounts"),
        new("weight.template_overlap", 15, 0, 100, "context points when an IP's or proxy's accounts send the same templates"),
        new("weight.synchrony", 20, 0, 100, "context points when an IP's or proxy's accounts fire within seconds of each other"),
        new("weight.fingerprint_monoculture", 10, 0, 100, "context points when many accounts share few TLS fingerprints"),
        new("weight.flagged_members", 30, 0, 100, "context points when much of an IP's or proxy's traffic comes from flagged accounts"),
        new("weight.cluster_risk", 70, 0, 100, "points an account inherits from a risky cluster"),
        new("network.max_points", 35, 0, 100, "the most that IP and proxy context together can add"),
        new("network.context_from", 20, 0, 100, "own score below which IP and proxy context adds nothing: sharing alone is not guilt"),
        new("network.context_full", 50, 0, 100, "own score at which IP and proxy context counts in full"),

        new("tier.scrutiny_multiplier", 1.25, 1, 3, "multiplier on content points for young edu, research and startup accounts"),
        new("tier.scrutiny_days", 90, 0, 3650, "edu, research and startup accounts younger than this get the scrutiny multiplier"),
        new("account.new_days", 7, 0, 365, "an account younger than this many days counts as new"),
        new("account.min_requests", 8, 1, 10000, "requests before content shares count fully"),
        new("account.high_volume_per_day", 400, 1, 1e7, "requests per day that count as high volume"),
        new("account.high_tokens_per_day", 2_000_000, 1, 1e12, "input plus output tokens per day that count as high volume"),
        new("account.many_ips", 8, 1, 1e6, "distinct IPs that count as many"),
        new("network.fanout_accounts", 40, 2, 1e7, "distinct accounts at which an IP or proxy counts as crowded"),
        new("cluster.min_members", 6, 2, 1e6, "members before a cluster's risk flows back; a family or a small team sharing a card is not a ring"),
        new("cluster.full_members", 12, 2, 1e6, "members at which a cluster's risk flows back at full strength"),
        new("cluster.link_flagged_share", 0.5, 0, 1, "share of an IP's or proxy's traffic from flagged accounts at which it links their clusters"),
        new("cluster.link_min_accounts", 5, 2, 1e6, "accounts an IP or proxy must carry before it links clusters"),
        new("push.min_score_change", 5, 0, 100, "score change that counts as material for pushes"),
    ];

    public static readonly FrozenDictionary<string, PolicyKnob> ByKey = Knobs.ToFrozenDictionary(k => k.Key);

    public static RiskPolicy Initial(DateTime at) =>
        new(1, Knobs.ToDictionary(k => k.Key, k => k.Default), at);

    /// <returns>Null when the change is valid, otherwise why not.</returns>
    public static string? Check(string key, double value)
    {
        if (!ByKey.TryGetValue(key, out var knob)) return $"unknown policy key '{key}'; see `risk policy show`";
        if (double.IsNaN(value) || value < knob.Min || value > knob.Max) return $"{key} must be between {knob.Min} and {knob.Max}";
        return null;
    }
}

/// <summary>A policy read by name, falling back to the catalogue's default for knobs added after it was stored.</summary>
public sealed class PolicyView(RiskPolicy policy)
{
    public static readonly PolicyView Default = new(PolicyCatalog.Initial(DateTime.UnixEpoch));

    public RiskPolicy Policy { get; } = policy;
    public long Version => Policy.Version;

    public double this[string key] =>
        Policy.Settings.TryGetValue(key, out var v) ? v : PolicyCatalog.ByKey[key].Default;

    /// <summary>The weight knob of a reason code ("weight." + code; the key is made once per code, not per call).</summary>
    public double Weight(string reason) => this[WeightKeys.GetOrAdd(reason, static code => "weight." + code)];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> WeightKeys = new(StringComparer.Ordinal);
}
