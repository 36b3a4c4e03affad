using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Grains.Tests;

/// <summary>What an operator sets is in force only once it is stored; a failed write leaves what was there.</summary>
public class FailedWriteTests(FaultyStorageCluster fixture) : IClassFixture<FaultyStorageCluster>
{
    private IPolicyGrain Policy => fixture.Grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default);

    private Task<EntityRisk> AccountRisk(string account) => fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(account)).GetRisk();

    [Fact]
    public async Task A_policy_change_whose_write_fails_is_not_in_force_and_its_version_is_not_used()
    {
        var before = await Policy.Get();
        fixture.Faults.Arm("policy");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => Policy.Set("threshold.block", 90, "test"));
            Assert.Equal(before.Version, (await Policy.Get()).Version);
            Assert.Equal(before.Settings.GetValueOrDefault("threshold.block"), (await Policy.Get()).Settings.GetValueOrDefault("threshold.block"));
        }
        finally { fixture.Faults.Disarm(); }

        var next = await Policy.Set("threshold.block", 90, "test");
        Assert.Equal(before.Version + 1, next.Version);
        Assert.Equal(90, (await Policy.Get()).Settings["threshold.block"]);
        Assert.Equal(next.Version, (await Policy.History(1)).Single().Version);
    }

    [Fact]
    public async Task An_override_whose_entity_write_fails_is_not_in_force_and_not_recorded()
    {
        var before = await Policy.Get();
        fixture.Faults.Arm("fault-ann");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => Policy.SetOverride(EntityKind.Account, "fault-ann", OverrideAction.Block, "test"));
        }
        finally { fixture.Faults.Disarm(); }

        Assert.Equal(OverrideAction.None, (await AccountRisk("fault-ann")).Override);
        Assert.Equal(before.Version, (await Policy.Get()).Version);
    }

    [Fact]
    public async Task A_failed_write_is_counted_by_the_kind_of_grain_that_made_it()
    {
        // Only this class fails writes, and its tests run one at a time: what the collector sees is this test's.
        using var failures = new MetricCollector<long>(null, RiskMetrics.MeterName, "risk.state.write_failures");
        fixture.Faults.Arm("fault-dan");
        fixture.Faults.Arm("192.0.2.94");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => Policy.SetOverride(EntityKind.Account, "fault-dan", OverrideAction.Block, "test"));
            await Assert.ThrowsAnyAsync<Exception>(() => Policy.SetOverride(EntityKind.Ip, "192.0.2.94", OverrideAction.Block, "test"));
        }
        finally { fixture.Faults.Disarm(); }

        var counted = failures.GetMeasurementSnapshot().Select(m => (m.Value, Grain: m.Tags["grain"])).OrderBy(m => m.Grain).ToArray();
        Assert.Equal(new (long, object?)[] { (1, "account"), (1, "ip") }, counted);
        await Policy.SetOverride(EntityKind.Account, "fault-dan", OverrideAction.Block, "test");
        Assert.Equal(2, failures.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task An_override_whose_record_fails_is_put_back_at_the_entity()
    {
        await Policy.SetOverride(EntityKind.Account, "fault-bea", OverrideAction.Block, "test");
        var before = await Policy.Get();
        fixture.Faults.Arm("policy");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => Policy.SetOverride(EntityKind.Account, "fault-bea", OverrideAction.Allow, "test"));
        }
        finally { fixture.Faults.Disarm(); }

        Assert.Equal(OverrideAction.Block, (await AccountRisk("fault-bea")).Override);
        Assert.Equal(before.Version, (await Policy.Get()).Version);
    }

    [Fact]
    public async Task An_override_with_an_expiry_lapses_by_itself_and_one_already_past_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Policy.SetOverride(EntityKind.Account, "fault-cat", OverrideAction.Block, "test", expires: DateTime.UtcNow.AddMinutes(-1)));

        // Far enough ahead that a machine busy with other suites still reads it in force first.
        var lapses = DateTime.UtcNow.AddSeconds(6);
        await Policy.SetOverride(EntityKind.Account, "fault-cat", OverrideAction.Block, "test", "chargebacks", lapses);

        Assert.Equal(OverrideAction.Block, (await AccountRisk("fault-cat")).Override);
        Assert.True(DateTime.UtcNow < lapses, "the block was read only after it lapsed");
        Assert.Contains("block until", (await Policy.History(1)).Single().NewValue);
        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (lapses - DateTime.UtcNow).Ticks)) + TimeSpan.FromMilliseconds(500));
        Assert.Equal(OverrideAction.None, (await AccountRisk("fault-cat")).Override);

        // Longer than any one timer can wait.
        await Policy.SetOverride(EntityKind.Ip, "192.0.2.93", OverrideAction.Block, "test", expires: DateTime.UtcNow.AddDays(90));
        Assert.Equal(OverrideAction.Block, (await fixture.Grains.GetGrain<IIpGrain>(GrainKeys.Ip("192.0.2.93")).GetRisk()).Override);
    }

    [Fact]
    public async Task An_account_deactivated_while_storage_is_away_keeps_trying_and_stores_its_state_when_it_returns()
    {
        var ts = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest(
            Enumerable.Range(0, 3).Select(i => new RiskEvent(ts.AddMinutes(i), "outage-dee", "198.18.5.5")).ToArray());
        fixture.Faults.Arm("outage-dee");
        try
        {
            // Idle collection takes the account while its writes fail; storage comes back two seconds later.
            var collected = fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            await Task.Delay(TimeSpan.FromSeconds(2));
            fixture.Faults.Disarm();
            await collected;
        }
        finally { fixture.Faults.Disarm(); }

        // A new activation reads what the old one stored on its way out.
        Assert.Equal(3, (await fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("outage-dee")).GetVerdict()).Events);
    }

    // A silo going down may still be storing an activation when the next one starts on another silo, which then reads
    // the record as it was. Here the other activation's write is the test's own, straight to storage.

    private static AccountReview Review(string account) => new(account, ReviewVerdict.Confirm, ReviewLabel.Fraud, "seen", "key:ana",
        new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc), new Decision(DecisionAction.Challenge, 70, ["cot_elicitation"], 1));

    [Fact]
    public async Task A_review_is_in_the_log_store_before_it_is_acknowledged_and_one_whose_write_fails_is_not_logged()
    {
        var page = fixture.Grains.GetGrain<IReviewLogGrain>(IReviewLogGrain.Key(new DateOnly(2026, 4, 1), 0));
        Assert.True(await page.Add(Review("logged-ann")));

        var record = new GrainState<ReviewLogState>(new ReviewLogState());
        await fixture.Storage.ReadStateAsync("reviews", page.GetGrainId(), record);
        Assert.Equal(["logged-ann"], record.State!.Reviews.Select(r => r.Account));

        fixture.Faults.Arm("2026-04-01");
        try { await Assert.ThrowsAnyAsync<Exception>(() => page.Add(Review("logged-bo"))); }
        finally { fixture.Faults.Disarm(); }
        Assert.Equal(["logged-ann"], (await page.Reviews()).Select(r => r.Account));
    }

    [Fact]
    public async Task An_accounts_review_is_stored_before_it_is_acknowledged_and_one_whose_write_fails_is_not_kept()
    {
        var account = fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("reviewed-ann"));
        await account.Reviewed(Review("reviewed-ann"));

        var record = new GrainState<AccountState>(new AccountState());
        await fixture.Storage.ReadStateAsync("account", account.GetGrainId(), record);
        Assert.Equal("seen", record.State!.Review?.Note);

        fixture.Faults.Arm("reviewed-ann");
        try { await Assert.ThrowsAnyAsync<Exception>(() => account.Reviewed(Review("reviewed-ann") with { Note = "changed" })); }
        finally { fixture.Faults.Disarm(); }
        Assert.Equal("seen", (await account.Review())?.Note);
    }

    [Fact]
    public async Task An_account_that_finds_a_record_it_did_not_read_adds_its_hours_to_the_records_timeline()
    {
        var ts = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        RiskEvent Event(int minute, string id) => new(ts.AddMinutes(minute), "twin-tim", "198.18.6.7") { Id = id };
        var account = fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("twin-tim"));
        await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest([Event(0, "e-1"), Event(61, "e-2")]);
        var mine = await account.Timeline();

        // The other activation applied e-1 too, and an event of its own an hour earlier.
        var record = new GrainState<AccountState>(new AccountState());
        await fixture.Storage.ReadStateAsync("account", account.GetGrainId(), record);
        foreach (var e in new[] { Event(0, "e-1"), Event(-60, "o-1") })
        {
            record.State!.Profile.Observe(e, null, false);
            record.State.Timeline.Add(e.Ts);
            (record.State.EventIds ??= new()).Admit(StableHash64.Of("event", e.Id!), e.Ts, 64);
        }
        await fixture.Storage.WriteStateAsync("account", account.GetGrainId(), record);

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var timeline = await account.Timeline();
        Assert.Equal([(ts.AddHours(-1), 1), (ts, 1), (ts.AddHours(1), 1)], timeline.Select(p => (p.Hour, p.Events)));
        Assert.Equal(mine[^1].Score, timeline[^1].Score);
        Assert.Equal(3, (await account.GetVerdict()).Events);
    }

    [Fact]
    public async Task An_account_that_finds_a_record_it_did_not_read_keeps_its_events_and_the_records()
    {
        var ts = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        RiskEvent Event(int minute, string id) => new(ts.AddMinutes(minute), "twin-eve", "198.18.6.6") { Id = id };
        using var conflicts = new MetricCollector<long>(null, RiskMetrics.MeterName, "risk.state.conflicts");
        var account = fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("twin-eve"));
        await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest([Event(0, "e-1"), Event(1, "e-2"), Event(2, "e-3")]);

        // The other activation applied e-1 (a retry that reached both) and two events of its own, and an operator blocked
        // the account there.
        var record = new GrainState<AccountState>(new AccountState());
        await fixture.Storage.ReadStateAsync("account", account.GetGrainId(), record);
        Assert.False(record.RecordExists);
        foreach (var e in new[] { Event(0, "e-1"), Event(3, "o-1"), Event(4, "o-2") })
        {
            record.State!.Profile.Observe(e, null, false);
            (record.State!.EventIds ??= new()).Admit(StableHash64.Of("event", e.Id!), e.Ts, 64);
        }
        record.State!.Override = OverrideAction.Block;
        await fixture.Storage.WriteStateAsync("account", account.GetGrainId(), record);

        // This activation's write on its way out is refused, and reconciled.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var verdict = await account.GetVerdict();
        Assert.Equal(5, verdict.Events);
        Assert.Equal(OverrideAction.Block, (await account.GetRisk()).Override);
        Assert.Contains(conflicts.GetMeasurementSnapshot(), m => Equals(m.Tags["outcome"], "reconciled"));
        Assert.DoesNotContain(conflicts.GetMeasurementSnapshot(), m => Equals(m.Tags["outcome"], "dropped"));
        // And a retry of any of them is still known.
        var receipt = await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest([Event(3, "o-1"), Event(2, "e-3")]);
        Assert.Equal(2, receipt.Duplicates);
        Assert.Equal(5, (await account.GetVerdict()).Events);
    }

    [Fact]
    public async Task An_ip_that_finds_a_record_it_did_not_read_keeps_its_sightings_and_the_records()
    {
        var ts = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        var ip = fixture.Grains.GetGrain<IIpGrain>(GrainKeys.Ip("198.18.7.7"));
        await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest(
            Enumerable.Range(0, 4).Select(i => new RiskEvent(ts.AddMinutes(i), $"twin-ian-{i}", "198.18.7.7")).ToArray());

        var record = new GrainState<NetworkState>(new NetworkState());
        await fixture.Storage.ReadStateAsync("ip", ip.GetGrainId(), record);
        for (var i = 0; i < 6; i++) record.State!.Profile.Observe(new NetworkSighting(ts.AddMinutes(10 + i), StableHash64.Of("account", $"twin-other-{i}"), true));
        await fixture.Storage.WriteStateAsync("ip", ip.GetGrainId(), record);

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var risk = await ip.GetRisk();
        Assert.Equal(10, risk.Events);
        Assert.Equal(10, risk.Accounts);
    }

    [Fact]
    public async Task A_busy_account_writes_before_it_outgrows_what_it_keeps_so_a_record_another_activation_stores_costs_it_no_event()
    {
        // Past what an entity keeps since its last write, a record another activation stored would win over every event
        // it applied since. Without timed checkpoints here, only keeping itself in bounds makes it write at all.
        var ts = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        var kept = new RiskGrainOptions().UnstoredChangesKept;
        using var conflicts = new MetricCollector<long>(null, RiskMetrics.MeterName, "risk.state.conflicts");
        using var writes = new MetricCollector<long>(null, RiskMetrics.MeterName, "risk.state.writes");
        var account = fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("busy-bea"));
        var sent = 0;
        async Task Send(int events)
        {
            for (var end = sent + events; sent < end;)
            {
                var batch = Math.Min(100, end - sent);
                await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(sent, batch)
                    .Select(i => new RiskEvent(ts.AddSeconds(i), "busy-bea", "198.18.8.8")).ToArray());
                sent += batch;
            }
        }

        await Send(kept / 2 + 100);
        var record = new GrainState<AccountState>(new AccountState());
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !record.RecordExists && DateTime.UtcNow < deadline; await Task.Delay(50))
            await fixture.Storage.ReadStateAsync("account", account.GetGrainId(), record);
        Assert.True(record.RecordExists, "the account did not write while it kept more than half of what it may");
        // Counted once the write has answered, a moment after the record is there.
        await writes.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(5));
        Assert.Contains(writes.GetMeasurementSnapshot(), m => Equals(m.Tags["why"], "crowded"));

        // As many again: more than it may keep in all, and another activation stores two events of its own meanwhile.
        await Send(kept / 2 + 100);
        await fixture.Storage.ReadStateAsync("account", account.GetGrainId(), record);
        foreach (var minute in new[] { 1, 2 })
            record.State!.Profile.Observe(new RiskEvent(ts.AddDays(1).AddMinutes(minute), "busy-bea", "198.18.8.9"), null, false);
        await fixture.Storage.WriteStateAsync("account", account.GetGrainId(), record);
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.True(sent > kept);
        Assert.Equal(sent + 2, (await account.GetVerdict()).Events);
        Assert.DoesNotContain(conflicts.GetMeasurementSnapshot(), m => Equals(m.Tags["outcome"], "dropped"));
    }

    [Fact]
    public async Task A_cluster_that_finds_a_record_it_did_not_read_keeps_its_members_reports_and_the_records()
    {
        var ts = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        using var conflicts = new MetricCollector<long>(null, RiskMetrics.MeterName, "risk.state.conflicts");
        var cluster = fixture.Grains.GetGrain<IClusterGrain>("twin-cluster");
        for (var i = 0; i < 3; i++) await cluster.Report(new MemberReport($"twin-mine-{i}", ts.AddMinutes(i), 80, 1));
        // Reports are one-way.
        for (var deadline = DateTime.UtcNow.AddSeconds(10); (await cluster.GetRisk()).Members < 3 && DateTime.UtcNow < deadline;) await Task.Delay(20);

        // Another activation took four other members' reports, and stored them.
        var record = new GrainState<ClusterState>(new ClusterState());
        await fixture.Storage.ReadStateAsync("cluster", cluster.GetGrainId(), record);
        Assert.False(record.RecordExists);
        for (var i = 0; i < 4; i++)
        {
            record.State!.Profile.Observe(new MemberReport($"twin-theirs-{i}", ts.AddMinutes(10 + i), 40, 0));
            record.State.RecentMembers.Insert(0, $"twin-theirs-{i}");
        }
        await fixture.Storage.WriteStateAsync("cluster", cluster.GetGrainId(), record);
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var view = await cluster.View();
        Assert.Equal(7, view.Risk.Members);
        Assert.Equal(3, view.Risk.FlaggedMembers);
        Assert.Equal(7, view.RecentMembers.Count);
        Assert.Contains(conflicts.GetMeasurementSnapshot(), m => Equals(m.Tags["outcome"], "reconciled"));
        Assert.DoesNotContain(conflicts.GetMeasurementSnapshot(), m => Equals(m.Tags["outcome"], "dropped"));
    }
}
