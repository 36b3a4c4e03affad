using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class ShadowCandidateTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly PolicyView Live = PolicyView.Default;

    private static ShadowCandidate Candidate(params (string Key, double Value)[] set) =>
        new(new ShadowPolicy(1, set.ToDictionary(s => s.Key, s => s.Value), T0, "test", null), Live);

    private static PolicyView With(params (string Key, double Value)[] set)
    {
        var settings = new Dictionary<string, double>(Live.Policy.Settings);
        foreach (var (key, value) in set) settings[key] = value;
        return new PolicyView(Live.Policy with { Settings = settings });
    }

    private static EntityRisk Risk(params (string Code, double Points)[] reasons)
    {
        var a = new Assessment(Live.Version);
        foreach (var (code, points) in reasons) a.Add(code, points, 1);
        return a.ToRisk();
    }

    [Fact]
    public void Thresholds_in_shadow_decide_the_same_risks_as_the_live_rules_would_under_them()
    {
        var candidate = Candidate(("threshold.throttle", 20), ("threshold.challenge", 30), ("threshold.block", 50));
        var under = With(("threshold.throttle", 20), ("threshold.challenge", 30), ("threshold.block", 50));
        var ip = Risk((ReasonCodes.Synchrony, 20), (ReasonCodes.IpFanout, 15));
        for (var points = 0; points <= 100; points += 5)
        {
            var account = Risk((ReasonCodes.CotElicitation, points), (ReasonCodes.MachineTiming, 12));
            Assert.Equal(DecisionRules.Decide(under, account, ip).Action, candidate.Decide(account, ip, null));
        }
        Assert.Equal(DecisionAction.Allow, DecisionRules.Decide(Live, Risk((ReasonCodes.CotElicitation, 35))).Action);
        Assert.Equal(DecisionAction.Challenge, candidate.Decide(Risk((ReasonCodes.CotElicitation, 35)), null, null));
    }

    [Fact]
    public void A_weight_in_shadow_gives_the_points_its_entity_would_have_weighed_for_a_reason_not_capped_with_others()
    {
        // An IP's group signals: each reason's points are its weight times its strength, so rescaling them is exact.
        var ip = new NetworkProfile();
        for (var burst = 0; burst < 40; burst++)
            for (var a = 0; a < 30; a++)
                ip.Observe(new NetworkSighting(T0.AddMinutes(15 * burst).AddMilliseconds(a * 100), StableHash64.Of("account", $"s{a}"), true));
        var live = ip.Assess(Live, ReasonCodes.IpFanout).ToRisk();
        Assert.Contains(live.Reasons, r => r.Code == ReasonCodes.Synchrony);

        var set = new[] { ("weight.synchrony", 35.0), ("weight.new_account_share", 5.0) };
        var truth = ip.Assess(With(set), ReasonCodes.IpFanout).ToRisk();
        var reweighed = Candidate(set).Reweigh(live);
        Assert.Equal(truth.Reasons.Select(r => r.Code), reweighed.Reasons.Select(r => r.Code));
        foreach (var (want, got) in truth.Reasons.Zip(reweighed.Reasons)) Assert.Equal(want.Points, got.Points, 0.1);
    }

    [Fact]
    public void A_candidate_that_changes_no_weight_reads_the_risks_as_they_are()
    {
        var risk = Risk((ReasonCodes.CotElicitation, 40));
        Assert.Same(risk, Candidate(("threshold.challenge", 50)).Reweigh(risk));
    }

    [Fact]
    public void Overrides_decide_alike_under_both()
    {
        var blocked = Risk((ReasonCodes.CotElicitation, 5)) with { Override = OverrideAction.Block };
        Assert.Equal(DecisionAction.Block, Candidate(("threshold.block", 100), ("threshold.challenge", 100), ("threshold.throttle", 100)).Decide(blocked, null, null));
    }

    [Theory]
    [InlineData("ramp.cot_elicitation.from", 0.2, "changes what entities measure")]
    [InlineData("account.corroboration_points", 20, "changes what entities measure")]
    [InlineData("cluster.min_members", 4, "changes what entities measure")]
    [InlineData("no.such.knob", 1, "unknown policy key")]
    [InlineData("threshold.block", 250, "must be between")]
    public void A_candidate_a_decision_cannot_weigh_from_held_risks_is_refused_with_why(string key, double value, string why)
    {
        Assert.Contains(why, ShadowCandidate.Problem(new Dictionary<string, double> { [key] = value }, Live));
    }

    [Fact]
    public void A_weight_the_live_policy_holds_at_zero_cannot_be_raised_in_shadow()
    {
        var live = With(("weight.synchrony", 0));
        Assert.Contains("0 in the live policy", ShadowCandidate.Problem(new Dictionary<string, double> { ["weight.synchrony"] = 10 }, live));
        Assert.Null(ShadowCandidate.Problem(new Dictionary<string, double> { ["weight.synchrony"] = 10, ["threshold.challenge"] = 55, ["network.max_points"] = 20 }, Live));
    }

    [Fact]
    public void Differences_name_only_the_knobs_that_differ_and_read_a_missing_one_at_its_default()
    {
        var from = new RiskPolicy(3, new Dictionary<string, double> { ["threshold.challenge"] = 55, ["weight.synchrony"] = 20 }, T0);
        var to = new RiskPolicy(7, new Dictionary<string, double> { ["threshold.challenge"] = 60, ["threshold.block"] = 90 }, T0);
        var differences = PolicyCatalog.Differences(from, to);
        Assert.Equal(new Dictionary<string, (double, double)> { ["threshold.challenge"] = (55, 60), ["threshold.block"] = (85, 90) }, differences);
    }
}
