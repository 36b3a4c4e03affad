using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Risk.Grains;
using Orleans.TestingHost;
using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;
using Risk.Tests.Shared;

namespace Risk.Silo.Tests;

[Collection(AzuriteCollection.Name)]
public class AzureTableTests(Azurite azurite)
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    private static RiskEvent Event(string account, int i) => new(
        T0.AddMinutes(i), account, "198.51.100.20", Payment: "card-" + i % 3,
        Prompt: PromptFeatures.Extract($"explain step by step how problem {i % 4} is solved"), InTokens: 100, OutTokens: 500);

    private static async Task Ingest(InProcessTestCluster cluster, IEnumerable<RiskEvent> events)
    {
        var receipt = await cluster.Client.GetGrain<IIngestGrain>(0).Ingest(events.ToArray());
        Assert.Empty(receipt.Rejections);
    }

    private static Task<AccountVerdict> Verdict(InProcessTestCluster cluster, string account) =>
        cluster.Client.GetGrain<IAccountGrain>(GrainKeys.Account(account)).GetVerdict();

    /// <summary>A silo counter, over every in-process silo (the tests of this collection run one at a time).</summary>
    private static MetricCollector<long> RiskCounter(string name) => new(null, RiskMetrics.MeterName, name);

    private static long Sum(MetricCollector<long> counter) => counter.GetMeasurementSnapshot().Sum(m => m.Value);

    /// <summary>Stops the cluster gracefully: every activation writes its state on the way down.</summary>
    private static async Task Stop(InProcessTestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    private static bool IsStoredKeysShard(TableEntity row) => row.PartitionKey.Contains("storedkeys", StringComparison.OrdinalIgnoreCase);

    private async Task<List<TableEntity>> Rows(string table) =>
        await azurite.Tables.GetTableClient(table).QueryAsync<TableEntity>().ToListAsync();

    [Fact]
    public async Task Account_state_round_trips_through_Azure_Table()
    {
        var table = Azurite.NewTableName();
        var cluster = await StorageCluster.Start(table, "roundtrip");
        await Ingest(cluster, Enumerable.Range(0, 30).Select(i => Event("roundtrip-alice", i)));
        await Ingest(cluster, Enumerable.Range(30, 30).Select(i => Event("roundtrip-alice", i)));
        var before = await Verdict(cluster, "roundtrip-alice");
        // Write-behind: nothing is stored per event or per batch; deactivation checkpoints the state.
        Assert.DoesNotContain(await Rows(table), r => r.PartitionKey.Contains(GrainKeys.Account("roundtrip-alice")));
        await cluster.DeactivateAsync(cluster.Client.GetGrain<IAccountGrain>(GrainKeys.Account("roundtrip-alice")));
        Assert.Contains(await Rows(table), r => r.PartitionKey.Contains(GrainKeys.Account("roundtrip-alice")));
        await Stop(cluster);

        var restarted = await StorageCluster.Start(table, "roundtrip");
        var after = await Verdict(restarted, "roundtrip-alice");
        Assert.Equal(60, after.Events);
        Assert.Equal(before.Decision.Score, after.Decision.Score);
        Assert.Equal(before.Decision.Reasons, after.Decision.Reasons);
        Assert.Equal(before.LastEventAt, after.LastEventAt);
        Assert.Equal(before.Cluster, after.Cluster);
        await Stop(restarted);
    }

    [Fact]
    public async Task Dirty_state_is_checkpointed_on_a_timer_without_deactivation()
    {
        var table = Azurite.NewTableName();
        var cluster = await StorageCluster.Start(table, "timer", checkpointInterval: TimeSpan.FromSeconds(1));
        await Ingest(cluster, Enumerable.Range(0, 10).Select(i => Event("timer-bob", i)));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !(await Rows(table)).Any(r => r.PartitionKey.Contains("timer-bob"))) await Task.Delay(250);
        Assert.True((await Rows(table)).Any(r => r.PartitionKey.Contains("timer-bob")), string.Join(",", (await Rows(table)).Select(r => r.PartitionKey)));
        await cluster.KillSiloAsync(cluster.Silos[0]);
        await cluster.DisposeAsync();

        var restarted = await StorageCluster.Start(table, "timer");
        Assert.Equal(10, (await Verdict(restarted, "timer-bob")).Events);
        await Stop(restarted);
    }

    [Fact]
    public async Task The_write_budget_defers_checkpoints_and_every_deferred_one_lands_later()
    {
        const int accounts = 24, perSecond = 4;
        var table = Azurite.NewTableName();
        var cluster = await StorageCluster.Start(table, "budget", checkpointInterval: TimeSpan.FromMilliseconds(500), checkpointWritesPerSecond: perSecond);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Ingest(cluster, Enumerable.Range(0, accounts).Select(i => Event($"budget-{i}", i)));
        async Task<int> Stored() => (await Rows(table)).Count(r => r.PartitionKey.Contains("budget-"));

        await Task.Delay(1500);
        // The bucket starts full (one second's worth) and refills at the budget: no more writes than that so far,
        // though every account's first checkpoint came due after 0.5 s.
        var stored = await Stored();
        Assert.True(stored <= perSecond * (1 + clock.Elapsed.TotalSeconds) + 1, $"{stored} accounts written in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(stored < accounts, $"{stored} of {accounts} written within 1.5 s, past a budget of {perSecond}/s");

        // Deferred checkpoints come back (an interval plus the backlog later) until every account is stored, with no
        // deactivation.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && await Stored() < accounts) await Task.Delay(250);
        Assert.Equal(accounts, await Stored());
        await cluster.KillSiloAsync(cluster.Silos[0]);
        await cluster.DisposeAsync();

        var restarted = await StorageCluster.Start(table, "budget");
        Assert.Equal(1, (await Verdict(restarted, "budget-7")).Events);
        await Stop(restarted);
    }

    [Fact]
    public async Task Keys_that_Azure_Table_would_mangle_stay_distinct_accounts()
    {
        string[] accounts = ["a/b", "a_b", @"a\b", "a#b", "a?b", "a\u0001b", "a%2Fb", "a_2Fb", "ü/b", new string('x', 300) + "/1", new string('x', 300) + "_1"];
        var table = Azurite.NewTableName();
        var cluster = await StorageCluster.Start(table, "keys");
        for (var a = 0; a < accounts.Length; a++) await Ingest(cluster, Enumerable.Range(0, a + 1).Select(i => Event(accounts[a], i)));
        await Stop(cluster);   // graceful: every activation checkpoints on the way down

        var accountRows = (await Rows(table)).Count(r => r.RowKey.Contains("account", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(accounts.Length, accountRows);

        var restarted = await StorageCluster.Start(table, "keys");
        for (var a = 0; a < accounts.Length; a++)
        {
            var verdict = await Verdict(restarted, accounts[a]);
            Assert.Equal(a + 1, verdict.Events);
            Assert.Equal(accounts[a], verdict.Account);
        }
        await Stop(restarted);
    }

    [Fact]
    public async Task Overrides_and_policy_survive_a_silo_that_is_killed_and_restarted()
    {
        var table = Azurite.NewTableName();
        var cluster = await StorageCluster.Start(table, "restart");
        var policy = cluster.Client.GetGrain<IPolicyGrain>(IPolicyGrain.Default);
        await policy.Set("threshold.block", 77, "test");
        await policy.SetOverride(EntityKind.Account, "restart/mallory", OverrideAction.Block, "test");
        await policy.SetOverride(EntityKind.Proxy, "relay:trusted", OverrideAction.Allow, "test");
        var version = (await policy.Get()).Version;
        // No graceful shutdown: what was acknowledged must already be stored.
        await cluster.KillSiloAsync(cluster.Silos[0]);
        await cluster.DisposeAsync();

        var restarted = await StorageCluster.Start(table, "restart");
        var decider = restarted.Client.GetGrain<IDecisionGrain>(0);
        var blocked = await decider.Decide("restart/mallory", null, null);
        Assert.Equal(DecisionAction.Block, blocked.Action);
        Assert.Equal(version, blocked.PolicyVersion);
        Assert.Equal(DecisionAction.Allow, (await decider.Decide("restart_mallory", null, "relay:trusted")).Action);
        var restored = await restarted.Client.GetGrain<IPolicyGrain>(IPolicyGrain.Default).Get();
        Assert.Equal(77, restored.Settings["threshold.block"]);
        Assert.Equal(3, (await restarted.Client.GetGrain<IPolicyGrain>(IPolicyGrain.Default).History(10)).Count);
        await Stop(restarted);
    }

    [Fact]
    public async Task A_new_entity_skips_the_storage_read_and_a_stored_one_is_read_after_restart()
    {
        using var skipped = RiskCounter("risk.state.reads.skipped");
        var table = Azurite.NewTableName();
        var cluster = await StorageCluster.Start(table, "skip");
        await Ingest(cluster, Enumerable.Range(0, 20).Select(i => Event("skip-dave", i)));
        // The account and its IP were new: neither read storage.
        Assert.True(Sum(skipped) >= 2, $"{Sum(skipped)} reads skipped");
        await Stop(cluster);
        // Their keys are stored in the filter's shards next to the records.
        Assert.Contains(await Rows(table), IsStoredKeysShard);

        // A skipped read would start the account empty.
        var restarted = await StorageCluster.Start(table, "skip");
        Assert.Equal(20, (await Verdict(restarted, "skip-dave")).Events);
        await Stop(restarted);
    }

    [Fact]
    public async Task A_record_the_filter_lost_is_not_overwritten_and_both_activations_events_are_kept()
    {
        using var conflicts = RiskCounter("risk.state.conflicts");
        var table = Azurite.NewTableName();
        var cluster = await StorageCluster.Start(table, "lost");
        await Ingest(cluster, Enumerable.Range(0, 30).Select(i => Event("lost-carol", i)));
        await Stop(cluster);
        // The filter's shards are lost (deleted by hand, say); carol's record is not.
        var client = azurite.Tables.GetTableClient(table);
        foreach (var row in (await Rows(table)).Where(IsStoredKeysShard))
            await client.DeleteEntityAsync(row.PartitionKey, row.RowKey);

        var restarted = await StorageCluster.Start(table, "lost");
        // This activation believes carol is new and starts empty...
        await Ingest(restarted, [Event("lost-carol", 30)]);
        Assert.Equal(1, (await Verdict(restarted, "lost-carol")).Events);
        // ...but its first write cannot replace the stored record: it reads the record and applies its event over it.
        await restarted.DeactivateAsync(restarted.Client.GetGrain<IAccountGrain>(GrainKeys.Account("lost-carol")));
        Assert.Equal(1, Sum(conflicts));
        Assert.Equal(31, (await Verdict(restarted, "lost-carol")).Events);
        await Stop(restarted);
    }

    [Fact]
    public async Task A_shard_writes_new_keys_apart_from_its_snapshot_and_keeps_both_across_activations()
    {
        var table = Azurite.NewTableName();
        var cluster = await StorageCluster.Start(table, "shard");
        var shard = cluster.Client.GetGrain<IStoredKeysGrain>(7);
        static ulong Key(int i) => StableHash64.Of("test-key", i);
        async Task<TableEntity?> Row(string stateName) =>
            (await Rows(table)).SingleOrDefault(r => IsStoredKeysShard(r) && r.RowKey == stateName);
        async Task AddKeys(int from, int count)
        {
            for (var i = from; i < from + count; i++) Assert.False(await shard.Claim(Key(i)), $"key {i} was new");
            await shard.Register(Key(from + count - 1)); // returns once the keys are stored
        }

        // A few new keys go to the recent row alone: the 64 KB snapshot is not written for them.
        await AddKeys(0, 10);
        Assert.NotNull(await Row("recent-keys"));
        Assert.Null(await Row("keys"));
        // A new activation reads them back from that row alone.
        await cluster.DeactivateAsync(shard);
        for (var i = 0; i < 10; i++) Assert.True(await shard.Claim(Key(i)), $"key {i} was lost");

        // Past the limit, the snapshot takes every key and the recent row starts over.
        await AddKeys(10, StoredKeysGrain.RecentLimit);
        var snapshot = await Row("keys");
        Assert.NotNull(snapshot);
        await AddKeys(10 + StoredKeysGrain.RecentLimit, 5);
        Assert.Equal(snapshot.ETag, (await Row("keys"))!.ETag);

        // A new activation holds the snapshot's keys and the recent ones; a key never added is still new.
        await cluster.DeactivateAsync(shard);
        for (var i = 0; i < 15 + StoredKeysGrain.RecentLimit; i++) Assert.True(await shard.Claim(Key(i)), $"key {i} was lost");
        Assert.False(await shard.Claim(Key(1_000_000)));
        await Stop(cluster);
    }
}
