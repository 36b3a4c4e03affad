using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class NetworkTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly PolicyView Policy = PolicyView.Default;

    private static ulong Account(int i) => StableHash64.Of("account", $"n{i}");

    private static IReadOnlyList<ReasonScore> Reasons(NetworkProfile p) => p.Assess(Policy, ReasonCodes.IpFanout).ToRisk().Reasons;

    [Fact]
    public void Accounts_that_fire_within_seconds_of_each_other_are_synchronous_and_a_crowd_at_random_times_is_not()
    {
        var ring = new NetworkProfile();
        var crowd = new NetworkProfile();
        var random = new Random(3);
        for (var burst = 0; burst < 40; burst++)
            for (var a = 0; a < 20; a++)
            {
                ring.Observe(new NetworkSighting(T0.AddMinutes(15 * burst).AddMilliseconds(a * 100), Account(a), false));
                crowd.Observe(new NetworkSighting(T0.AddSeconds(random.Next(0, 86_400 * 3)), Account(random.Next(400)), false));
            }
        Assert.Contains(Reasons(ring), r => r.Code == ReasonCodes.Synchrony);
        Assert.DoesNotContain(Reasons(crowd), r => r.Code == ReasonCodes.Synchrony);
    }

    [Fact]
    public void The_same_template_from_many_accounts_is_overlap_and_varied_prompts_are_not()
    {
        var ring = new NetworkProfile();
        var campus = new NetworkProfile();
        for (var i = 0; i < 400; i++)
        {
            var template = PromptFeatures.Extract($"Solve step by step and show your full reasoning for benchmark item {i % 3}").SimHash;
            ring.Observe(new NetworkSighting(T0.AddMinutes(i), Account(i % 30), false, template));
            var own = PromptFeatures.Extract($"my essay number {i} about the history of {i * 7 % 101} bridges and {i % 13} rivers").SimHash;
            campus.Observe(new NetworkSighting(T0.AddMinutes(i), Account(i % 30), false, own));
        }
        Assert.Contains(Reasons(ring), r => r.Code == ReasonCodes.TemplateOverlap);
        Assert.DoesNotContain(Reasons(campus), r => r.Code == ReasonCodes.TemplateOverlap);
    }

    [Fact]
    public void The_share_of_traffic_from_flagged_members_is_request_weighted()
    {
        var ip = new NetworkProfile();
        // 40 requests, 30 of them from a member flagged by its own signals, all within a minute.
        var t = T0.AddMinutes(50);
        for (var i = 0; i < 40; i++) ip.Observe(new NetworkSighting(t.AddSeconds(i), Account(i < 30 ? 1 : 2 + i % 20), false));
        ip.Observe(new MemberStatus(Account(1), 30, Flagged: true, "pay-x"), ip.LastSeen);
        ip.Observe(new MemberStatus(Account(2), 10, Flagged: false, null), ip.LastSeen);
        Assert.Equal(0.75, ip.FlaggedShare(), 2);
        Assert.Contains(Reasons(ip), r => r.Code == ReasonCodes.FlaggedMembers);
    }

    [Fact]
    public void Network_context_adds_nothing_to_an_account_without_signals_of_its_own()
    {
        var everything = new Assessment();
        foreach (var code in new[] { ReasonCodes.IpFanout, ReasonCodes.Synchrony, ReasonCodes.TemplateOverlap, ReasonCodes.FlaggedMembers, ReasonCodes.NewAccountShare })
            everything.Add(code, 100, 1);
        var d = DecisionRules.Decide(Policy, new EntityRisk(0, []), everything.ToRisk(), everything.ToRisk());
        Assert.Equal(0, d.Score);
        Assert.Equal(DecisionAction.Allow, d.Action);
        Assert.Empty(d.Reasons);
    }

    [Fact]
    public void Network_context_counts_in_proportion_to_an_accounts_own_evidence_up_to_a_cap()
    {
        var everything = new Assessment();
        foreach (var code in new[] { ReasonCodes.IpFanout, ReasonCodes.Synchrony, ReasonCodes.FlaggedMembers })
            everything.Add(code, 100, 1);
        var weak = DecisionRules.Decide(Policy, new Assessment().Add(ReasonCodes.AgenticExtraction, 25, 1).ToRisk(), everything.ToRisk());
        var strong = DecisionRules.Decide(Policy,
            new Assessment().Add(ReasonCodes.CotElicitation, 50, 1).Add(ReasonCodes.MachineTiming, 20, 1).ToRisk(), everything.ToRisk());
        Assert.True(weak.Score < Policy[Knobs.ThresholdThrottle], $"weak own evidence scored {weak.Score}");
        // Own 1 − (1 − 0.50)(1 − 0.20) = 60, full context at full evidence, capped: 1 − (1 − 0.60)(1 − 0.35).
        Assert.Equal(74, strong.Score);
        Assert.Contains(ReasonCodes.FlaggedMembers, strong.Reasons);
    }

    [Fact]
    public void One_kind_of_content_alone_draws_no_context_from_a_crowded_ip()
    {
        // A class asking for step-by-step answers at the venue it shares: the venue's synchrony and shared
        // templates are not evidence against any one student whose only signal is the content.
        var everything = new Assessment();
        foreach (var code in new[] { ReasonCodes.IpFanout, ReasonCodes.Synchrony, ReasonCodes.TemplateOverlap, ReasonCodes.NewAccountShare })
            everything.Add(code, 100, 1);
        var student = DecisionRules.Decide(Policy, new Assessment().Add(ReasonCodes.CotElicitation, 50, 1).Add(ReasonCodes.NewAccount, 10, 1).ToRisk(),
            everything.ToRisk());
        Assert.Equal(55, student.Score);
        Assert.Equal([ReasonCodes.CotElicitation, ReasonCodes.NewAccount], student.Reasons);
    }

    [Fact]
    public void One_kind_of_content_alone_lifts_an_account_to_throttle_and_no_further()
    {
        var p = new AccountProfile();
        var t = new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);
        // A fresh edu account asking for step-by-step answers all day, as a person does: nothing but content.
        // Gaps as irregular as a person's (exponential), so nothing looks machine-timed.
        var gaps = new Random(3);
        for (var i = 0; i < 60; i++, t = t.AddMinutes(-10 * Math.Log(1 - gaps.NextDouble())))
            p.Observe(new RiskEvent(t, "student", "198.51.100.4", Tier: AccountTier.Edu, AccountCreated: t.AddDays(-2),
                Prompt: new PromptSignals(PromptKinds.ChainOfThought, (ulong)i * 0x9E3779B97F4A7C15UL, 80), InTokens: 40, OutTokens: 90), null);
        var risk = p.Assess(Policy).ToRisk();
        // Content and being new share the cap: together they score what one kind of content alone may.
        Assert.Contains(risk.Reasons, r => r.Code == ReasonCodes.NewAccount);
        Assert.Equal(Policy[Knobs.AccountUncorroboratedContentMax], Evidence.Combine(risk.Reasons, ReasonFamilies.IsContentOrNew), 0);
        Assert.Equal(DecisionAction.Throttle, DecisionRules.Decide(Policy, risk).Action);
    }
}
