using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class ContentFamilyTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly PolicyView Policy = PolicyView.Default;

    /// <summary>Three band keys packed as <see cref="PromptSignals.Families"/> carries them.</summary>
    private static ulong Families(uint a, uint b, uint c) =>
        a | (ulong)b << PromptSignals.FamilyKeyBits | (ulong)c << 2 * PromptSignals.FamilyKeyBits;

    [Fact]
    public void A_family_used_again_and_again_is_joined_through_the_churn_of_one_off_keys()
    {
        var families = new ContentFamilies();
        uint fresh = 1000;
        for (var use = 0; use < ContentFamilies.MinUses; use++)
        {
            families.Observe(Families(7, fresh++, fresh++));
            // Other prompts between two uses of the skeleton, none of their keys seen twice.
            for (var other = 0; other < ContentFamilies.Slots / 6; other++) families.Observe(Families(fresh++, fresh++, fresh++));
        }
        Assert.Equal([ContentFamilies.Key(0, 7)], families.Joined);
    }

    [Fact]
    public void A_family_seen_less_often_than_the_minimum_is_not_joined_and_joins_are_bounded()
    {
        var families = new ContentFamilies();
        for (var i = 0; i < ContentFamilies.MinUses - 1; i++) families.Observe(Families(5, 6, 7));
        Assert.Empty(families.Joined);

        for (uint key = 10; key < 50; key++)
            for (var use = 0; use < ContentFamilies.MinUses; use++) families.Observe(Families(key, key, key));
        Assert.Equal(ContentFamilies.MaxJoined, families.Joined.Count);
        Assert.Equal(families.Joined.Count, families.Joined.Distinct().Count());
    }

    private static AccountProfile Person(int requests, Func<int, bool> shared, double ageDays = 20, string prompt = "Walk me through this step by step: item")
    {
        var profile = new AccountProfile();
        for (var i = 0; i < requests; i++)
            profile.Observe(new RiskEvent(T0.AddHours(i * 1.5), "acct", "203.0.113.9", Prompt: PromptFeatures.Extract($"{prompt} {i}"),
                AccountCreated: T0.AddDays(-ageDays), Tier: AccountTier.Standard, InTokens: 60, OutTokens: 700), shared: shared(i));
        return profile;
    }

    [Fact]
    public void A_young_account_that_keeps_to_its_own_address_and_sends_extraction_content_is_ring_like()
    {
        Assert.True(Person(40, _ => false).IsRingLike(Policy));
        // Too little history yet: a class may not have met.
        Assert.False(Person(12, _ => false).IsRingLike(Policy));
    }

    [Fact]
    public void A_student_who_meets_others_at_a_venue_an_old_account_and_an_ordinary_user_are_not_ring_like()
    {
        Assert.False(Person(40, i => i % 3 == 0).IsRingLike(Policy));
        Assert.False(Person(40, _ => false, ageDays: 400).IsRingLike(Policy));
        Assert.False(Person(40, _ => false, prompt: "Suggest a weekend trip near the coast, idea").IsRingLike(Policy));
    }

    [Fact]
    public void A_ring_adds_points_that_corroborate_the_accounts_own_content_until_it_lapses()
    {
        var profile = Person(40, _ => false);
        var alone = profile.Assess(Policy).Score;
        profile.Ring = new RingEvidence { Family = 1, Members = 12, Since = profile.LastSeen, RenewedAt = profile.LastSeen };
        var told = profile.Assess(Policy).ToRisk();
        Assert.Contains(told.Reasons, r => r.Code == ReasonCodes.ContentRing && r.Points == Policy[Knobs.WeightContentRing]);
        Assert.True(told.Score >= Policy[Knobs.ThresholdChallenge], $"a ring member scored {told.Score} (alone {alone})");

        profile.Ring.RenewedAt = profile.LastSeen.AddDays(-Policy[Knobs.CampaignMemoryDays] - 1);
        Assert.Equal(alone, profile.Assess(Policy).Score);
    }
}
