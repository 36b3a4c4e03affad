using Risk.Contracts;
using Risk.Edge;

namespace Risk.Grains.Tests;

public class PolicyTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IPolicyGrain Policy => fixture.Grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default);

    [Fact]
    public async Task A_policy_change_is_seen_by_both_silos_when_it_is_acknowledged()
    {
        Assert.Equal(2, fixture.Cluster.Silos.Count);
        var changed = await Policy.Set("threshold.challenge", 55, "test");

        foreach (var silo in fixture.Cluster.Silos)
        {
            var seen = await ClusterFixture.PolicyCacheOf(silo).Get();
            Assert.Equal(changed.Version, seen.Version);
            Assert.Equal(55, seen[Knobs.ThresholdChallenge]);
        }
    }

    [Fact]
    public async Task Decisions_carry_the_version_of_the_policy_that_produced_them()
    {
        var changed = await Policy.Set("threshold.throttle", 41, "test");
        var decision = await fixture.Grains.GetGrain<IDecisionGrain>(0).Decide("policy-frank", null, null);
        Assert.True(decision.PolicyVersion >= changed.Version);
    }

    [Fact]
    public async Task A_change_that_leaves_the_thresholds_out_of_order_is_refused_and_the_version_stays()
    {
        var before = await Policy.Get();
        var block = before.Settings.GetValueOrDefault("threshold.block", Knobs.ThresholdBlock.Default);
        var challenge = before.Settings.GetValueOrDefault("threshold.challenge", Knobs.ThresholdChallenge.Default);
        var above = await Assert.ThrowsAsync<ArgumentException>(() => Policy.Set("threshold.throttle", block + 5, "test"));
        Assert.Contains("threshold.throttle", above.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.Set("threshold.block", challenge - 10, "test"));
        Assert.Equal(before.Version, (await Policy.Get()).Version);
    }

    [Fact]
    public async Task An_override_on_an_id_no_event_could_carry_is_refused()
    {
        var before = await Policy.Get();
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.SetOverride(EntityKind.Account, new string('a', 600), OverrideAction.Allow, "test"));
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.SetOverride(EntityKind.Proxy, new string('p', 600), OverrideAction.Block, "test"));
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.SetOverride(EntityKind.Ip, "not-an-address", OverrideAction.Block, "test"));
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.SetOverride(EntityKind.Account, " ", OverrideAction.Block, "test"));
        Assert.Equal(before.Version, (await Policy.Get()).Version);
        // One an event can carry is taken.
        Assert.True((await Policy.SetOverride(EntityKind.Account, new string('a', 500), OverrideAction.Allow, "test")).Version > before.Version);
    }

    [Fact]
    public async Task An_invalid_change_is_refused_and_the_version_stays()
    {
        var before = await Policy.Get();
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.Set("threshold.block", 250, "test"));
        await Assert.ThrowsAsync<ArgumentException>(() => Policy.Set("no.such.knob", 1, "test"));
        Assert.Equal(before.Version, (await Policy.Get()).Version);
    }

    [Fact]
    public async Task Overrides_beat_the_detectors_and_are_recorded_in_the_history()
    {
        var ingest = fixture.Grains.GetGrain<IIngestGrain>(0);
        await ingest.Ingest(Enumerable.Range(0, 200).Select(i => Traffic.Extraction("policy-grace", i)).ToArray());
        var decider = fixture.Grains.GetGrain<IDecisionGrain>(0);
        Assert.True((await decider.Decide("policy-grace", null, null)).IsFlagged);

        await Policy.SetOverride(EntityKind.Account, "policy-grace", OverrideAction.Allow, "test");
        Assert.Equal(DecisionAction.Allow, (await decider.Decide("policy-grace", null, null)).Action);

        await Policy.SetOverride(EntityKind.Ip, "192.0.2.99", OverrideAction.Block, "test");
        var clean = await decider.Decide("policy-henry", "192.0.2.99", null);
        Assert.Equal(DecisionAction.Block, clean.Action);
        Assert.Equal([ReasonCodes.OverrideBlock], clean.Reasons);

        await Policy.SetOverride(EntityKind.Account, "policy-grace", OverrideAction.None, "test");
        Assert.True((await decider.Decide("policy-grace", null, null)).IsFlagged);

        var history = await Policy.History(10);
        Assert.Contains(history, h => h.What == "override account policy-grace" && h.NewValue == "allow" && h.Actor == "test");
        Assert.Contains(history, h => h.What == "override ip 192.0.2.99" && h.NewValue == "block");
    }

    /// <summary>A model in one batch, used by <paramref name="accounts"/> distinct accounts (numbered from <paramref name="from"/>).</summary>
    private static ModelSighting Used(DateTime at, int accounts, int from = 0) =>
        new(at, [.. Enumerable.Range(from, accounts).Select(i => (ulong)i + 1)]);

    [Fact]
    public async Task A_model_first_seen_a_day_after_traffic_began_counts_as_a_launch()
    {
        var catalog = fixture.Grains.GetGrain<IModelCatalogGrain>("launch-test");
        var start = Traffic.T0;
        Assert.Empty(await catalog.Observe(new Dictionary<string, ModelSighting> { ["model-a"] = Used(start, 20), ["model-b"] = Used(start.AddHours(3), 20) }));
        var launches = await catalog.Observe(new Dictionary<string, ModelSighting> { ["model-a"] = Used(start.AddDays(3), 20), ["model-next"] = Used(start.AddDays(2), 20) });
        Assert.Equal(new Dictionary<string, DateTime> { ["model-next"] = start.AddDays(2) }, launches);
    }

    [Fact]
    public async Task Fabricated_model_names_and_timestamps_do_not_move_the_catalogue()
    {
        var catalog = fixture.Grains.GetGrain<IModelCatalogGrain>("hostile-test");
        var start = Traffic.T0;
        Assert.Empty(await catalog.Observe(new Dictionary<string, ModelSighting> { ["model-a"] = Used(start, 20) }));

        // One account: two thousand made-up names, and a real model's name with a timestamp from the year 2000.
        var junk = Enumerable.Range(0, 2 * IModelCatalogGrain.MaxModels).ToDictionary(i => $"junk-{i}", _ => Used(start.AddDays(1), 1, from: 999));
        Assert.Empty(await catalog.Observe(junk));
        Assert.Empty(await catalog.Observe(new Dictionary<string, ModelSighting>
        {
            ["model-a"] = Used(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), 1, from: 999),
            ["model-old"] = Used(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), 1, from: 999),
        }));

        // A model the crowd moves to two days in is still a launch, and a name fewer accounts used is not yet one.
        var launches = await catalog.Observe(new Dictionary<string, ModelSighting>
        {
            ["model-next"] = Used(start.AddDays(2), IModelCatalogGrain.MinAccounts),
            ["model-few"] = Used(start.AddDays(2), IModelCatalogGrain.MinAccounts - 1),
        });
        Assert.Equal(new Dictionary<string, DateTime> { ["model-next"] = start.AddDays(2) }, launches);
        // And model-a, seen since the start, never looked launched.
        Assert.DoesNotContain("model-a", (await catalog.Observe(new Dictionary<string, ModelSighting> { ["model-a"] = Used(start.AddDays(4), 20) })).Keys);
    }
}
