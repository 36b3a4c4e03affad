using Orleans.Core.Internal;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Grains.Tests;

public class PolicyVersionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IPolicyGrain Policy => fixture.Grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default);

    private static double Value(RiskPolicy policy, string key) => new PolicyView(policy)[PolicyCatalog.ByKey[key]];

    [Fact]
    public async Task A_rollback_brings_back_a_versions_settings_as_a_new_version_and_every_silo_has_it()
    {
        var start = await Policy.Change(new Dictionary<string, double> { ["weight.machine_timing"] = 21, ["ramp.round_the_clock.from"] = 15 }, "test", "start");
        await Policy.Change(new Dictionary<string, double> { ["weight.machine_timing"] = 27 }, "test", null);
        await Policy.Change(new Dictionary<string, double> { ["ramp.round_the_clock.from"] = 17, ["weight.output_heavy"] = 12 }, "test", null);

        var back = await Policy.Rollback(start.Version, "ops", "too strict");

        Assert.True(back.Version > start.Version + 2);
        Assert.Empty(PolicyCatalog.Differences(start, back));
        foreach (var silo in fixture.Cluster.Silos)
            Assert.Equal(back.Version, (await ClusterFixture.PolicyCacheOf(silo).Get()).Version);
        var recorded = (await Policy.History(1)).Single();
        Assert.Equal((back.Version, "ops", "too strict"), (recorded.Version, recorded.Actor, recorded.Reason));
        Assert.StartsWith($"rollback to version {start.Version}", recorded.What);
        // The rollback is a version like any other: it can be rolled back in turn, to what was in force before it.
        var undone = await Policy.Rollback(back.Version - 1, "ops", null);
        Assert.Equal(27, Value(undone, "weight.machine_timing"));
        Assert.Equal(17, Value(undone, "ramp.round_the_clock.from"));
    }

    [Fact]
    public async Task A_rollback_keeps_the_overrides_set_since()
    {
        var before = await Policy.Change(new Dictionary<string, double> { ["weight.many_ips"] = 16 }, "test", null);
        await Policy.SetOverride(EntityKind.Account, "rollback-ivy", OverrideAction.Block, "test");
        await Policy.Change(new Dictionary<string, double> { ["weight.many_ips"] = 18 }, "test", null);

        await Policy.Rollback(before.Version, "test", null);

        var decision = await fixture.Grains.GetGrain<IDecisionGrain>(0).Decide("rollback-ivy", null, null);
        Assert.Equal([ReasonCodes.OverrideBlock], decision.Reasons);
    }

    [Fact]
    public async Task Versions_list_each_settings_change_with_the_settings_it_put_in_force()
    {
        var first = await Policy.Change(new Dictionary<string, double> { ["weight.round_the_clock"] = 14 }, "alice", "first");
        await Policy.SetOverride(EntityKind.Account, "versions-jo", OverrideAction.Allow, "test");
        var second = await Policy.Change(new Dictionary<string, double> { ["weight.round_the_clock"] = 13 }, "bob", "second");

        var versions = await Policy.Versions(2);

        Assert.Equal(second.Version, versions.Current);
        Assert.Equal([second.Version, first.Version], versions.Versions.Select(v => v.Version));
        var latest = versions.Versions[0];
        Assert.Equal(("bob", "second"), (latest.Actor, latest.Reason));
        Assert.Equal(new SettingChange(14, 13), latest.Changed["weight.round_the_clock"]);
        Assert.Single(latest.Changed);
        foreach (var v in versions.Versions)
            Assert.Empty(PolicyCatalog.Differences(new RiskPolicy(v.Version, v.Settings, v.At), await Policy.At(v.Version)));
        // The override's version changed no setting: its settings are the first change's.
        Assert.Empty(PolicyCatalog.Differences(first, await Policy.At(first.Version + 1)));
    }

    [Fact]
    public async Task A_version_older_than_the_kept_changes_is_refused_and_nothing_changes()
    {
        var old = await Policy.Change(new Dictionary<string, double> { ["weight.output_heavy"] = 9 }, "test", null);
        // Wide changes, each every weight but one, until the oldest are dropped.
        var weights = Knobs.WeightsByCode.Values.Where(k => k != Knobs.WeightOutputHeavy).ToArray();
        for (var i = 0; i <= PolicyGrain.StepSettingsLimit / weights.Length + 1; i++)
            await Policy.Change(weights.ToDictionary(k => k.Key, k => k.Default + 1 + i % 2), "test", null);
        var current = await Policy.Get();
        var versions = await Policy.Versions(1000);
        Assert.True(versions.Oldest > old.Version);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Policy.Rollback(old.Version, "test", null));
        Assert.Contains("can no longer be rebuilt", refused.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.At(old.Version));
        Assert.Equal(current.Version, (await Policy.Get()).Version);
        // The oldest kept is rebuilt: undoing every kept change from the current settings reaches it, one wide change before the next.
        var differences = PolicyCatalog.Differences(await Policy.At(versions.Oldest), await Policy.At(versions.Oldest + 1));
        Assert.Equal(weights.Select(k => k.Key).Order(), differences.Keys.Order());
        Assert.True(versions.Versions.Sum(v => v.Changed.Count) <= PolicyGrain.StepSettingsLimit);
        // Put the weights back, so that the class's other tests see the defaults.
        await Policy.Change(weights.ToDictionary(k => k.Key, k => k.Default), "test", null);
    }

    [Fact]
    public async Task Rolling_back_to_the_settings_in_force_or_to_a_version_not_yet_made_is_refused()
    {
        var now = await Policy.Change(new Dictionary<string, double> { ["weight.early_model_switch"] = 19 }, "test", null);
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.Rollback(now.Version, "test", null));
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.Rollback(now.Version + 10, "test", null));
        Assert.Equal(now.Version, (await Policy.Get()).Version);
    }

    [Fact]
    public async Task Versions_and_the_shadow_outlive_the_policy_grains_activation()
    {
        var changed = await Policy.Change(new Dictionary<string, double> { ["weight.high_volume"] = 22 }, "test", null);
        var shadow = await Policy.SetShadow(new Dictionary<string, double> { ["threshold.challenge"] = 58 }, "test", "try");
        await Policy.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);

        Assert.Equal(changed.Version, (await Policy.Versions(1)).Versions.Single().Version);
        var kept = await Policy.GetShadow();
        Assert.Equal((shadow.Id, shadow.Since, shadow.Actor, true), (kept!.Id, kept.Since, kept.Actor, kept.Active));
        Assert.Equal(shadow.Set, kept.Set);
        await Policy.ClearShadow("test", null);
    }

    [Fact]
    public async Task A_shadow_is_refused_for_knobs_a_decision_cannot_weigh_and_never_changes_the_live_version()
    {
        var before = await Policy.Get();
        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            Policy.SetShadow(new Dictionary<string, double> { ["ramp.cot_elicitation.from"] = 0.1 }, "test", null));
        Assert.Contains("risk backtest", refused.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.SetShadow(new Dictionary<string, double> { ["threshold.throttle"] = 99 }, "test", null));

        var shadow = await Policy.SetShadow(new Dictionary<string, double> { ["threshold.challenge"] = 50 }, "ops", "lower");
        var again = await Policy.SetShadow(new Dictionary<string, double> { ["threshold.challenge"] = 45 }, "ops", "lower still");
        Assert.True(again.Id > shadow.Id);
        Assert.Equal(before.Version, (await Policy.Get()).Version);
        var ended = await Policy.ClearShadow("ops", "done");
        Assert.Equal((again.Id, false), (ended!.Id, ended.Active));
        Assert.Null(await Policy.ClearShadow("ops", null));
        Assert.Contains(await Policy.History(3), h => h.What == "shadow cleared" && h.Actor == "ops" && h.Reason == "done");
    }

    [Fact]
    public async Task The_shadow_report_sums_every_gateways_counts_for_the_latest_shadow_only()
    {
        var report = fixture.Grains.GetGrain<IShadowReportGrain>("report-test");
        ShadowPair Pair(long count, params string[] accounts) => new(DecisionAction.Allow, DecisionAction.Challenge, count, accounts);
        await report.Add(7, new ShadowCounts(10, [Pair(2, "a", "b")]));
        await report.Add(7, new ShadowCounts(5, [Pair(4, "b", "c", "d", "e", "f"), new(DecisionAction.Block, DecisionAction.Throttle, 1, ["g"])]));
        await report.Add(6, new ShadowCounts(100, [Pair(50, "old")]));

        var counts = await report.Get(7);
        Assert.Equal(15, counts.Compared);
        var pair = counts.Changed.Single(p => p.Live == DecisionAction.Allow);
        Assert.Equal(6, pair.Count);
        Assert.Equal(["a", "b", "c", "d", "e"], pair.Examples);
        Assert.Equal(0, (await report.Get(6)).Compared);

        await report.Add(8, new ShadowCounts(1, []));
        Assert.Equal(0, (await report.Get(7)).Compared);
    }
}
