using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class PolicyTests
{
    private static readonly PolicyView Policy = PolicyView.Default;

    private static EntityRisk Risk(double points, string code = ReasonCodes.CotElicitation, OverrideAction o = OverrideAction.None) =>
        new Assessment().Add(code, points, 1).ToRisk(o);

    [Theory]
    [InlineData(0, DecisionAction.Allow)]
    [InlineData(39.4, DecisionAction.Allow)]
    [InlineData(40, DecisionAction.Throttle)]
    [InlineData(60, DecisionAction.Challenge)]
    [InlineData(85, DecisionAction.Block)]
    [InlineData(100, DecisionAction.Block)]
    public void Thresholds_map_scores_to_actions(double score, DecisionAction expected)
    {
        Assert.Equal(expected, DecisionRules.ActionFor(Policy, score));
    }

    [Fact]
    public void Independent_signals_combine_as_evidence_and_report_every_reason()
    {
        var account = new Assessment().Add(ReasonCodes.CotElicitation, 50, 1).Add(ReasonCodes.TemplateReuse, 50, 1).ToRisk();
        var d = DecisionRules.Decide(Policy, account);
        Assert.Equal(75, d.Score); // 1 − 0.5 · 0.5
        Assert.Equal(DecisionAction.Challenge, d.Action);
        Assert.Equal([ReasonCodes.CotElicitation, ReasonCodes.TemplateReuse], d.Reasons.Order());
        Assert.Equal(Policy.Version, d.PolicyVersion);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.35)]
    [InlineData(1.0)]
    public void The_first_flag_shortcut_never_skips_an_account_that_some_network_context_would_flag(double maxPointsShare)
    {
        var policy = new PolicyView(Policy.Policy with
        {
            Settings = new Dictionary<string, double>(Policy.Policy.Settings) { ["network.max_points"] = maxPointsShare * PolicyCatalog.ByKey["network.max_points"].Max },
        });
        var strongest = new Assessment().Add(ReasonCodes.IpFanout, 100, 1).Add(ReasonCodes.Synchrony, 100, 1).Add(ReasonCodes.FlaggedMembers, 100, 1).ToRisk();
        var skipped = 0;
        for (var a = 0.0; a <= 100; a += 0.7)
            for (var b = 0.0; b <= 60; b += 7.3)
            {
                var account = new Assessment().Add(ReasonCodes.CotElicitation, a, 1).Add(ReasonCodes.TemplateReuse, b, 1).ToRisk();
                var flagged = DecisionRules.Decide(policy, account, strongest, strongest).IsFlagged;
                if (flagged) Assert.True(DecisionRules.CouldFlag(policy, account), $"{a}+{b} points is flagged but was skipped");
                if (!DecisionRules.CouldFlag(policy, account)) skipped++;
            }
        Assert.True(skipped > 0, "the shortcut never skipped anything");
    }

    [Fact]
    public void Decisions_combine_evidence_and_order_reasons_as_the_written_rules_say()
    {
        // The rules in their plainest form (LINQ); Decide runs the same rules in loops on every gateway miss.
        static Decision Reference(PolicyView policy, EntityRisk account, EntityRisk ip, EntityRisk proxy)
        {
            static IEnumerable<ReasonScore> MaxPerCode(IEnumerable<ReasonScore> reasons) =>
                reasons.GroupBy(r => r.Code).Select(g => new ReasonScore(g.Key, g.Max(r => r.Points)));
            var own = Evidence.Combine(account.Reasons.Select(r => r.Points));
            // Context weighs only on corroborated evidence: two kinds of content, or a cluster's risk, in full;
            // behaviour in proportion, in full at its knob.
            var contentKinds = account.Reasons.Where(r => ReasonFamilies.IsContent(r.Code)).Select(r => r.Code).Distinct().Count();
            var behaviour = Evidence.Combine(account.Reasons.Where(r => ReasonFamilies.IsBehaviour(r.Code)).Select(r => r.Points));
            var corroboration = contentKinds >= 2 || account.Reasons.Any(r => r.Code == ReasonCodes.ClusterRisk)
                ? 1 : Math.Min(1, behaviour / policy[Knobs.AccountCorroborationPoints]);
            var gate = Evidence.Ramp(own, policy[Knobs.NetworkContextFrom], policy[Knobs.NetworkContextFull]) * corroboration;
            var raw = MaxPerCode(ip.Reasons.Concat(proxy.Reasons)).ToArray();
            var context = Math.Min(Evidence.Combine(raw.Select(r => r.Points)), policy[Knobs.NetworkMaxPoints]) * gate;
            var network = gate <= 0 ? [] : raw.Select(r => r with { Points = r.Points * gate });
            var score = (int)Math.Round(Evidence.Combine([own, context]));
            var reasons = MaxPerCode(account.Reasons.Concat(network)).Where(r => r.Points >= 0.5)
                .OrderByDescending(r => r.Points).Select(r => r.Code).ToArray();
            return new(DecisionRules.ActionFor(policy, score), score, reasons, policy.Version);
        }

        string[] codes = [ReasonCodes.CotElicitation, ReasonCodes.TemplateReuse, ReasonCodes.Synchrony, ReasonCodes.IpFanout, ReasonCodes.FlaggedMembers,
            ReasonCodes.NewAccount, ReasonCodes.MachineTiming, ReasonCodes.ClusterRisk];
        var random = new Random(7);
        EntityRisk Some(int max) => new(0, Enumerable.Range(0, random.Next(max + 1))
            .Select(_ => new ReasonScore(codes[random.Next(codes.Length)], Math.Round(random.NextDouble() * 60, 1) is var p && random.Next(4) == 0 ? 20 : p)).ToArray());
        for (var i = 0; i < 2000; i++)
        {
            var (account, ip, proxy) = (Some(6), Some(4), Some(4));
            var expected = Reference(Policy, account, ip, proxy);
            var actual = DecisionRules.Decide(Policy, account, ip, proxy);
            Assert.Equal((expected.Action, expected.Score), (actual.Action, actual.Score));
            Assert.Equal(expected.Reasons, actual.Reasons);
        }
    }

    [Fact]
    public void Sharing_an_ip_alone_stays_below_the_throttle_threshold()
    {
        var crowdedIp = new Assessment().Add(ReasonCodes.IpFanout, Policy.Weight(ReasonCodes.IpFanout), 1)
            .Add(ReasonCodes.NewAccountShare, Policy.Weight(ReasonCodes.NewAccountShare), 1).ToRisk();
        var d = DecisionRules.Decide(Policy, EntityRisk(0), crowdedIp);
        Assert.Equal(DecisionAction.Allow, d.Action);
        Assert.Equal(0, d.Score);
    }

    [Fact]
    public void A_changed_threshold_changes_the_action_and_carries_the_new_version()
    {
        var changed = new PolicyView(Policy.Policy with
        {
            Version = 7,
            Settings = new Dictionary<string, double>(Policy.Policy.Settings) { ["threshold.challenge"] = 30 },
        });
        var d = DecisionRules.Decide(changed, Risk(35));
        Assert.Equal(DecisionAction.Challenge, d.Action);
        Assert.Equal(7, d.PolicyVersion);
    }

    [Fact]
    public void A_knob_missing_from_a_stored_policy_falls_back_to_its_default()
    {
        var old = new PolicyView(new RiskPolicy(3, new Dictionary<string, double>(), DateTime.UnixEpoch));
        Assert.Equal(PolicyCatalog.ByKey["threshold.block"].Default, old[Knobs.ThresholdBlock]);
    }

    [Theory]
    [InlineData("threshold.block", 101)]
    [InlineData("threshold.block", double.NaN)]
    [InlineData("no.such.key", 1)]
    public void Invalid_policy_changes_are_refused_with_a_reason(string key, double value)
    {
        Assert.NotNull(PolicyCatalog.Check(key, value));
    }

    [Fact]
    public void A_block_override_beats_every_detector()
    {
        var d = DecisionRules.Decide(Policy, Risk(0, o: OverrideAction.Block));
        Assert.Equal(DecisionAction.Block, d.Action);
        Assert.Equal([ReasonCodes.OverrideBlock], d.Reasons);
    }

    [Fact]
    public void An_allow_override_beats_every_detector()
    {
        var d = DecisionRules.Decide(Policy, Risk(99, o: OverrideAction.Allow), Risk(99, ReasonCodes.IpFanout));
        Assert.Equal(DecisionAction.Allow, d.Action);
        Assert.Equal([ReasonCodes.OverrideAllow], d.Reasons);
    }

    [Fact]
    public void An_account_override_beats_an_ip_or_proxy_override()
    {
        var d = DecisionRules.Decide(Policy, Risk(0, o: OverrideAction.Allow), Risk(0, o: OverrideAction.Block));
        Assert.Equal(DecisionAction.Allow, d.Action);
    }

    [Fact]
    public void Between_ip_and_proxy_overrides_block_wins()
    {
        var d = DecisionRules.Decide(Policy, Risk(0), Risk(0, o: OverrideAction.Allow), Risk(0, o: OverrideAction.Block));
        Assert.Equal(DecisionAction.Block, d.Action);
        var clean = DecisionRules.Decide(Policy, Risk(90), Risk(0, o: OverrideAction.Allow));
        Assert.Equal(DecisionAction.Allow, clean.Action);
    }

    private static EntityRisk EntityRisk(double score) => new(score, []);
}
