using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class CampaignMemoryTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly PolicyView Policy = PolicyView.Default;

    private static EntityRisk Risk(params (string Code, double Points)[] reasons) =>
        new(Evidence.Combine(reasons.Select(r => r.Points)), reasons.Select(r => new ReasonScore(r.Code, r.Points)).ToArray());

    private static ClusterRisk Cluster(int flagged) => new("pay-ring", Risk((ReasonCodes.ClusterRisk, 40)), 12, flagged, T0);

    [Fact]
    public void Only_other_accounts_corroborate_a_flag()
    {
        Assert.False(CampaignMemory.Corroborates(Policy, null, null, null));
        Assert.False(CampaignMemory.Corroborates(Policy, null, Risk((ReasonCodes.IpFanout, 20), (ReasonCodes.Synchrony, 20)), null),
            "a crowded, synchronous address is not a campaign");
        Assert.False(CampaignMemory.Corroborates(Policy, Cluster(flagged: 2), null, null), "two flagged members are below campaign.min_flagged_members");
        Assert.True(CampaignMemory.Corroborates(Policy, Cluster(flagged: 3), null, null));
        Assert.True(CampaignMemory.Corroborates(Policy, null, null, Risk((ReasonCodes.FlaggedMembers, 12))));
    }

    [Fact]
    public void A_remembered_flag_holds_its_score_for_the_memory_days_after_it_was_last_renewed()
    {
        var memory = new CampaignMemory();
        memory.Remember(Policy, new Decision(DecisionAction.Challenge, 72, [ReasonCodes.CotElicitation], 1), T0);
        memory.Remember(Policy, new Decision(DecisionAction.Challenge, 65, [ReasonCodes.CotElicitation], 1), T0.AddDays(2));
        var days = Policy[Knobs.CampaignMemoryDays];

        var held = new Assessment();
        memory.AddTo(held, Policy, T0.AddDays(2 + days).AddMinutes(-1));
        Assert.Equal([new ReasonScore(ReasonCodes.CampaignMember, 72)], held.ToRisk().Reasons);
        Assert.Equal(T0, memory.Mark(Policy, T0.AddDays(3))!.Since);

        var lapsed = new Assessment();
        memory.AddTo(lapsed, Policy, T0.AddDays(2 + days));
        Assert.Empty(lapsed.ToRisk().Reasons);
        Assert.Null(memory.Mark(Policy, T0.AddDays(2 + days)));
    }

    [Fact]
    public void A_flag_that_came_with_an_early_model_switch_is_remembered_as_a_pivot_and_stays_one()
    {
        var memory = new CampaignMemory();
        memory.Remember(Policy, new Decision(DecisionAction.Block, 90, [ReasonCodes.AgenticExtraction, ReasonCodes.EarlyModelSwitch], 1), T0);
        memory.Remember(Policy, new Decision(DecisionAction.Challenge, 70, [ReasonCodes.AgenticExtraction], 1), T0.AddDays(1));
        Assert.Equal(ReasonCodes.ModelPivot, memory.Mark(Policy, T0.AddDays(1))!.Reason);

        memory.Forget();
        Assert.False(memory.IsSet);
        Assert.Null(memory.Mark(Policy, T0.AddDays(1)));
    }

    [Fact]
    public void A_flag_after_the_memory_lapsed_starts_a_new_one()
    {
        var memory = new CampaignMemory();
        memory.Remember(Policy, new Decision(DecisionAction.Block, 95, [ReasonCodes.AgenticExtraction, ReasonCodes.EarlyModelSwitch], 1), T0);
        var later = T0.AddDays(Policy[Knobs.CampaignMemoryDays] + 1);
        memory.Remember(Policy, new Decision(DecisionAction.Challenge, 62, [ReasonCodes.CotElicitation], 1), later);
        Assert.Equal(new CampaignMark(ReasonCodes.CampaignMember, 62, later, later.AddDays(Policy[Knobs.CampaignMemoryDays])), memory.Mark(Policy, later));
    }

    [Theory]
    [InlineData(ReasonCodes.OutputHeavy)]
    [InlineData(ReasonCodes.EarlyModelSwitch)]
    [InlineData(ReasonCodes.NewAccount)]
    public void Long_outputs_an_early_switch_and_being_new_do_not_corroborate_content(string code) =>
        Assert.Equal(0, ReasonFamilies.Corroboration(Policy, [new(ReasonCodes.CotElicitation, 45), new(code, 20)]));

    [Theory]
    [InlineData(ReasonCodes.CampaignMember)]
    [InlineData(ReasonCodes.ModelPivot)]
    [InlineData(ReasonCodes.ClusterRisk)]
    public void Evidence_across_accounts_corroborates_content_in_full(string code) =>
        Assert.Equal(1, ReasonFamilies.Corroboration(Policy, [new(ReasonCodes.CotElicitation, 45), new(code, 20)]));
}
