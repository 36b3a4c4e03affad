using System.Text.Json;
using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class ProfileTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly PolicyView Policy = PolicyView.Default;

    private static RiskEvent Event(int i, string prompt, string ip = "203.0.113.7", int gapSeconds = 60) => new(
        T0.AddSeconds(i * gapSeconds), "acct", ip, Prompt: PromptFeatures.Extract(prompt), InTokens: 50, OutTokens: 900,
        AccountCreated: T0.AddDays(-30), Tier: AccountTier.Standard);

    [Fact]
    public void Account_state_stays_the_same_size_however_many_events_it_sees()
    {
        var profile = new AccountProfile();
        int Size() => JsonSerializer.SerializeToUtf8Bytes(profile).Length;
        for (var i = 0; i < 1_000; i++) profile.Observe(Event(i, $"question number {i} about topic {i % 97}", $"10.0.{i % 250}.{i % 200}"));
        var after1k = Size();
        for (var i = 1_000; i < 50_000; i++) profile.Observe(Event(i, $"question number {i} about topic {i % 97}", $"10.{i % 200}.{i % 250}.{i % 199}"));
        Assert.Equal(50_000, profile.Events);
        // Digits of doubles and the last IP vary a little; 49,000 more events would add megabytes to any list.
        Assert.InRange(Size(), after1k - 256, after1k + 256);
        Assert.True(Size() < 4096, $"account state is {Size()} bytes");
    }

    [Fact]
    public void Network_state_stays_the_same_size_with_twenty_thousand_accounts_behind_it()
    {
        var proxy = new NetworkProfile();
        for (var i = 0; i < 20_000; i++) proxy.Observe(new NetworkSighting(T0.AddSeconds(i), StableHash64.Of("account", $"a{i}"), false));
        var size = JsonSerializer.SerializeToUtf8Bytes(proxy).Length;
        for (var i = 20_000; i < 100_000; i++) proxy.Observe(new NetworkSighting(T0.AddSeconds(i), StableHash64.Of("account", $"a{i}"), false));
        Assert.InRange(JsonSerializer.SerializeToUtf8Bytes(proxy).Length, size - 64, size + 64);
        Assert.InRange(proxy.Accounts.Estimate(), 90_000, 110_000);
        Assert.Contains(proxy.Assess(Policy, ReasonCodes.ProxyFanout).ToRisk().Reasons, r => r.Code == ReasonCodes.ProxyFanout);
    }

    [Fact]
    public void A_templated_chain_of_thought_stream_scores_high_and_ordinary_use_does_not()
    {
        var extractor = new AccountProfile();
        var ordinary = new AccountProfile();
        string[] topics = ["gardening", "tax forms", "a birthday poem", "python lists", "travel in Peru", "sourdough", "chess openings", "car insurance"];
        for (var i = 0; i < 60; i++)
        {
            extractor.Observe(Event(i, $"Solve step by step and show your reasoning in full detail: problem {i} of the benchmark set", gapSeconds: 30));
            ordinary.Observe(Event(i * 7 + i % 3, $"Could you help me with {topics[i % topics.Length]}? I tried {i} times already and I'm stuck on part {i % 5}", gapSeconds: 240));
        }
        var hot = extractor.Assess(Policy);
        var calm = ordinary.Assess(Policy);
        Assert.True(hot.Score >= Policy[Knobs.ThresholdChallenge], $"extractor scored {hot.Score}");
        Assert.Contains(hot.ToRisk().Reasons, r => r.Code == ReasonCodes.CotElicitation);
        Assert.True(calm.Score < Policy[Knobs.ThresholdThrottle], $"ordinary user scored {calm.Score}");
    }

    [Fact]
    public void The_same_events_replayed_give_the_same_state_whatever_the_arrival_order()
    {
        var events = Enumerable.Range(0, 200).Select(i => Event(i, $"step by step problem {i % 10}")).ToArray();
        var a = new AccountProfile();
        var b = new AccountProfile();
        foreach (var e in events) a.Observe(e);
        foreach (var e in events.Reverse()) b.Observe(e);
        Assert.Equal(a.Cot.ValueAt(a.LastSeen, AccountProfile.DayHalfLife), b.Cot.ValueAt(b.LastSeen, AccountProfile.DayHalfLife), 6);
        Assert.Equal(a.LastSeen, b.LastSeen);
        Assert.Equal(a.FirstSeen, b.FirstSeen);
    }

    [Fact]
    public void Moving_half_the_traffic_to_a_model_within_hours_of_its_launch_is_an_early_switch()
    {
        var launch = T0.AddDays(2);
        var pivot = new AccountProfile();
        var steady = new AccountProfile();
        for (var i = 0; i < 200; i++)
        {
            var ts = launch.AddMinutes(-600 + i * 5);
            var onNewModel = ts >= launch && i % 2 == 0;
            pivot.Observe(Event(i, $"ordinary question {i}") with { Ts = ts }, onNewModel ? launch : null);
            steady.Observe(Event(i, $"ordinary question {i}") with { Ts = ts });
        }
        Assert.InRange(pivot.Measure().EarlyModelShare, 0.4, 0.6);
        Assert.Contains(pivot.Assess(Policy).ToRisk().Reasons, r => r.Code == ReasonCodes.EarlyModelSwitch);
        Assert.DoesNotContain(steady.Assess(Policy).ToRisk().Reasons, r => r.Code == ReasonCodes.EarlyModelSwitch);
    }

    [Fact]
    public void A_person_trying_a_new_model_with_a_few_requests_counts_for_little_of_an_early_switch()
    {
        var launch = T0.AddDays(2);
        var person = new AccountProfile();
        // A day of questions an hour apart, the last two on the model launched an hour before.
        for (var i = 0; i < 24; i++)
        {
            var ts = launch.AddHours(-22 + i);
            person.Observe(Event(i, $"ordinary question {i}") with { Ts = ts }, ts >= launch ? launch : null);
        }
        Assert.True(person.Measure().EarlyModelShare > 0.5, "most of the last hour was on the new model");
        // Full strength needs account.min_requests in the last hour; two requests an hour apart are a quarter of it.
        var points = person.Assess(Policy).ToRisk().Reasons.SingleOrDefault(r => r.Code == ReasonCodes.EarlyModelSwitch)?.Points ?? 0;
        Assert.InRange(points, 0, 0.3 * Policy.Weight(ReasonCodes.EarlyModelSwitch));
    }

    [Fact]
    public void An_established_account_scores_its_own_signals_at_the_established_multiplier()
    {
        var fresh = new AccountProfile();
        var established = new AccountProfile();
        for (var i = 0; i < 200; i++)
        {
            var e = Event(i, $"Solve the following step by step and show your reasoning in full: problem {i % 4}", gapSeconds: 20);
            fresh.Observe(e);
            established.Observe(e with { AccountCreated = T0.AddDays(-Policy[Knobs.AccountEstablishedDays] - 1) });
        }
        var young = fresh.Assess(Policy).ToRisk();
        var old = established.Assess(Policy).ToRisk();
        Assert.True(young.Score >= 60, $"the fresh account scored {young.Score}");
        foreach (var r in old.Reasons)
            Assert.Equal(young.Reasons.Single(y => y.Code == r.Code).Points * Policy[Knobs.AccountEstablishedMultiplier], r.Points, 0.1);
        Assert.DoesNotContain(old.Reasons, r => r.Code == ReasonCodes.NewAccount);
    }

    [Fact]
    public void A_few_huge_requests_count_as_high_volume_by_cost_not_by_count()
    {
        var bulk = new AccountProfile();
        for (var i = 0; i < 20; i++)
            bulk.Observe(Event(i, $"summarise document {i}", gapSeconds: 3600) with { InTokens = 400_000, OutTokens = 100_000 });
        var risk = bulk.Assess(Policy).ToRisk();
        Assert.Contains(risk.Reasons, r => r.Code == ReasonCodes.HighTokenVolume);
        Assert.DoesNotContain(risk.Reasons, r => r.Code == ReasonCodes.HighVolume);
    }
}
