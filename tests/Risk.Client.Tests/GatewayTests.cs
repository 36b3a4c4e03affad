using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Risk.Client.Gateway;
using Risk.Contracts;
using Risk.Tests.Shared;
using Risk.Edge;

namespace Risk.Client.Tests;

public class GatewayTests(EmbeddedCluster embedded) : IClassFixture<EmbeddedCluster>
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Without a copy of the entities heard of, unless the options give one: every entity not held is asked of its replica.</summary>
    private RiskGateway Gateway(RiskGatewayOptions? options = null) =>
        new(embedded.Cluster.Client, Options.Create(options ?? new RiskGatewayOptions { DecisionTimeout = TimeSpan.FromSeconds(10), KnownEntitiesRefresh = Timeout.InfiniteTimeSpan }),
            NullLogger<RiskGateway>.Instance);

    private static RiskEvent Extraction(string account, int i) => new(
        T0.AddSeconds(20 * i), account, "192.0.2.140", AccountCreated: T0.AddDays(-1), InTokens: 50, OutTokens: 1500,
        Prompt: PromptFeatures.Extract($"Think step by step and show your full reasoning for benchmark item {i % 3}"));

    private static async Task Eventually(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await done() && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    [Fact]
    public async Task A_cached_decision_is_served_locally_until_a_push_invalidates_it()
    {
        var gateway = Gateway();
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(DecisionAction.Allow, (await gateway.Decide("gw-alice")).Action);
            // The answer is cached once the account grain is watched for it; then it is served locally.
            await Eventually(() => Task.FromResult(gateway.Cache.Count == 1));
            Assert.Equal(DecisionAction.Allow, (await gateway.Decide("gw-alice")).Action);
            Assert.Equal(1, gateway.Cache.Hits);

            // Traffic changes the account's risk; its grain pushes, and the next Decide asks the grains again.
            await embedded.Cluster.Client.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Extraction("gw-alice", i)).ToArray());
            await Eventually(async () => (await gateway.Decide("gw-alice")).IsFlagged);
            Assert.True((await gateway.Decide("gw-alice")).IsFlagged);
            Assert.True(gateway.Cache.Invalidations >= 1);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_miss_is_decided_from_the_risk_its_replica_pushed_without_a_call()
    {
        var gateway = Gateway();
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            var replica = embedded.Cluster.Client.GetGrain<IRiskReplicaGrain>(IRiskReplicaGrain.Key(EntityKind.Account, GrainKeys.Account("gw-frank")));
            Assert.Equal(DecisionAction.Allow, (await gateway.Decide("gw-frank")).Action); // the replica reads and watches the account
            Assert.Equal(1, gateway.Watches);
            var invalidations = gateway.Cache.Invalidations;

            // A push as the account sends one, but not the account's risk (it is clean): a flagged answer can only
            // come from the pushed value, and the gateway makes it without asking the replica again.
            await replica.Changed(new EntityRisk(99, [new ReasonScore(ReasonCodes.CotElicitation, 99)]));
            await Eventually(() => Task.FromResult(gateway.Cache.Invalidations > invalidations));
            var pending = gateway.Decide("gw-frank");
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.True((await pending).IsFlagged);
            Assert.Equal(1, gateway.Watches);

            // The account went, and its watch with it: the replica reads it again, and finds it clean.
            await replica.Changed(null);
            await Eventually(async () => !(await gateway.Decide("gw-frank")).IsFlagged);
            Assert.Equal(DecisionAction.Allow, (await gateway.Decide("gw-frank")).Action);
            Assert.Equal(2, gateway.Watches);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_held_risk_is_read_again_past_the_ttl_and_asked_for_past_its_watch()
    {
        var time = new FakeTimeProvider();
        var gateway = new RiskGateway(embedded.Cluster.Client, Options.Create(new RiskGatewayOptions { DecisionTimeout = TimeSpan.FromSeconds(10), KnownEntitiesRefresh = Timeout.InfiniteTimeSpan }),
            NullLogger<RiskGateway>.Instance, time);
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            await gateway.Decide("gw-gina");
            Assert.Equal(1, gateway.Watches);

            // The cached decision dropped, within the TTL (30 s): made again from the held risk, at once.
            gateway.Cache.Clear();
            time.Advance(TimeSpan.FromSeconds(20));
            Assert.True(gateway.Decide("gw-gina").IsCompletedSuccessfully);
            Assert.Equal(1, gateway.Watches);

            // Past the TTL: still answered at once, and the replica is read again behind the answer.
            gateway.Cache.Clear();
            time.Advance(TimeSpan.FromSeconds(20));
            Assert.True(gateway.Decide("gw-gina").IsCompletedSuccessfully);
            await Eventually(() => Task.FromResult(gateway.Watches == 2));
            Assert.Equal(2, gateway.Watches);

            // Past 90 % of the renewed watch (5 minutes), as when every renewal failed: the replica might no longer
            // push, so it is asked before the answer.
            time.Advance(TimeSpan.FromMinutes(4.6));
            var pending = gateway.Decide("gw-gina");
            Assert.False(pending.IsCompleted);
            Assert.Equal(DecisionAction.Allow, (await pending).Action);
            Assert.Equal(3, gateway.Watches);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_policy_change_clears_every_cached_decision()
    {
        var gateway = Gateway();
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            var before = await gateway.Decide("gw-bob");
            var policy = await embedded.Cluster.Client.GetGrain<IPolicyGrain>(IPolicyGrain.Default).Set("threshold.block", 86, "test");
            await Eventually(async () => (await gateway.Decide("gw-bob")).PolicyVersion == policy.Version);
            Assert.Equal(policy.Version, (await gateway.Decide("gw-bob")).PolicyVersion);
            Assert.NotEqual(before.PolicyVersion, policy.Version);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_decision_names_a_policy_version_only_once_its_risks_are_weighed_under_it()
    {
        var gateway = Gateway();
        await gateway.StartAsync(CancellationToken.None);
        var policies = embedded.Cluster.Client.GetGrain<IPolicyGrain>(IPolicyGrain.Default);
        var weight = (await policies.Get()).Settings.GetValueOrDefault("weight.cot_elicitation", 45);
        try
        {
            await embedded.Cluster.Client.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Extraction("gw-reweigh", i)).ToArray());
            await Eventually(async () => (await gateway.Decide("gw-reweigh")).Reasons.Contains(ReasonCodes.CotElicitation));
            Assert.Contains(ReasonCodes.CotElicitation, (await gateway.Decide("gw-reweigh")).Reasons);

            var changed = await policies.Set("weight.cot_elicitation", 0, "test");

            // Every decision from here on is made wholly under one version: the one before while the held risk is
            // read again, then the new one, and never the new version with the old weights.
            var seen = new List<Decision>();
            for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(5))
            {
                var decision = await gateway.Decide("gw-reweigh");
                seen.Add(decision);
                if (decision.PolicyVersion == changed.Version) break;
            }
            Assert.Equal(changed.Version, seen[^1].PolicyVersion);
            Assert.All(seen.Where(d => d.PolicyVersion == changed.Version), d => Assert.DoesNotContain(ReasonCodes.CotElicitation, d.Reasons));
            Assert.All(seen.Where(d => d.PolicyVersion != changed.Version), d => Assert.Contains(ReasonCodes.CotElicitation, d.Reasons));
        }
        finally
        {
            await policies.Set("weight.cot_elicitation", weight, "test");
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_override_that_lapses_is_pushed_to_the_gateways_that_hold_it()
    {
        var gateway = Gateway();
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            // Far enough ahead that a machine busy with other suites still sees it in force first.
            var lapses = DateTime.UtcNow.AddSeconds(8);
            await embedded.Cluster.Client.GetGrain<IPolicyGrain>(IPolicyGrain.Default)
                .SetOverride(EntityKind.Ip, "203.0.113.78", OverrideAction.Block, "test", expires: lapses);
            await Eventually(async () => (await gateway.Decide("gw-gina", "203.0.113.78")).Action == DecisionAction.Block);
            Assert.Equal(DecisionAction.Block, (await gateway.Decide("gw-gina", "203.0.113.78")).Action);
            Assert.True(DateTime.UtcNow < lapses, "the block was seen only after it lapsed");

            // Held and cached until then; told when it lapses, long before the cache's TTL would have it read again.
            await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (lapses - DateTime.UtcNow).Ticks)));
            await Eventually(async () => (await gateway.Decide("gw-gina", "203.0.113.78")).Action == DecisionAction.Allow);
            Assert.Equal(DecisionAction.Allow, (await gateway.Decide("gw-gina", "203.0.113.78")).Action);
            Assert.True(gateway.Cache.Pushes >= 1);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_started_gateway_decides_from_the_entities_as_the_silo_does()
    {
        var client = embedded.Cluster.Client;
        await client.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Extraction("gw-dave", i)).ToArray());
        await client.GetGrain<IPolicyGrain>(IPolicyGrain.Default).SetOverride(EntityKind.Ip, "203.0.113.77", OverrideAction.Block, "test");
        var gateway = Gateway();
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            (string Account, string? Ip, bool Flagged)[] cases = [("gw-dave", "192.0.2.140", true), ("gw-erin", null, false), ("gw-erin", "203.0.113.77", true)];
            foreach (var (account, ip, flagged) in cases)
            {
                var local = await gateway.Decide(account, ip);
                var silo = await client.GetGrain<IDecisionGrain>(0).Decide(account, ip, null);
                Assert.Equal(flagged, local.IsFlagged);
                Assert.Equal((silo.Action, silo.Score, silo.PolicyVersion), (local.Action, local.Score, local.PolicyVersion));
                Assert.Equal(silo.Reasons, local.Reasons);
            }
            Assert.Equal(DecisionAction.Block, (await gateway.Decide("gw-erin", "203.0.113.77")).Action);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(FailMode.Open, DecisionAction.Allow, false)]
    [InlineData(FailMode.Closed, DecisionAction.Block, false)]
    [InlineData(FailMode.Open, DecisionAction.Allow, true)]
    [InlineData(FailMode.Closed, DecisionAction.Block, true)]
    public async Task A_miss_that_times_out_answers_by_the_fail_mode(FailMode mode, DecisionAction expected, bool started)
    {
        // Not started, the silo decides; started, the gateway reads the entities itself. Both are bounded.
        var gateway = Gateway(new RiskGatewayOptions { DecisionTimeout = TimeSpan.Zero, FailMode = mode });
        if (started) await gateway.StartAsync(CancellationToken.None);
        try
        {
            var decision = await gateway.Decide($"gw-timeout-{mode}-{started}");
            Assert.Equal(expected, decision.Action);
            Assert.Equal([RiskGateway.Unavailable], decision.Reasons);
            Assert.Equal(1, gateway.Timeouts);
            Assert.Equal(0, gateway.Cache.Count);
        }
        finally
        {
            if (started) await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Reporting_never_blocks_and_counts_what_a_full_queue_drops()
    {
        // Not started: nothing drains the queue, as when the cluster is slow.
        var gateway = Gateway(new RiskGatewayOptions { QueueCapacity = 10 });
        var accepted = Enumerable.Range(0, 100).Count(i => gateway.Report(Extraction("gw-flood", i)));
        Assert.Equal(10, accepted);
        Assert.Equal(90, gateway.Dropped);
    }

    [Fact]
    public async Task Reported_events_reach_the_grains_in_the_background()
    {
        var gateway = Gateway(new RiskGatewayOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            for (var i = 0; i < 25; i++) Assert.True(gateway.Report(Extraction("gw-carol", i)));
            await Eventually(() => Task.FromResult(gateway.Sent == 25));
            Assert.Equal(25, gateway.Sent);
            Assert.Equal(25, (await new RiskClient(embedded.Cluster.Client).Verdict("gw-carol")).Events);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A started gateway, once its copy of the entities heard of is loaded.</summary>
    /// <param name="neverSeenWait">How long it waits for an entity the copy never saw; by default not at all.</param>
    private async Task<RiskGateway> StartedWithKnownEntities(TimeSpan neverSeenWait = default)
    {
        var gateway = Gateway(new RiskGatewayOptions
        {
            DecisionTimeout = TimeSpan.FromSeconds(10), KnownEntitiesRefresh = TimeSpan.FromMilliseconds(100), NeverSeenWait = neverSeenWait,
        });
        await gateway.StartAsync(CancellationToken.None);
        await Eventually(() => Task.FromResult(gateway.Known.Loaded));
        Assert.True(gateway.Known.Loaded, "the copy of the entities heard of did not load");
        return gateway;
    }

    [Fact]
    public async Task An_account_never_heard_of_is_decided_at_once_and_its_risk_is_held_once_it_comes()
    {
        var gateway = await StartedWithKnownEntities();
        try
        {
            var pending = gateway.Decide("gw-newcomer", "192.0.2.150");
            // Nothing to wait for: no entity of this request was ever heard of.
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.Equal(DecisionAction.Allow, (await pending).Action);
            // Asked for behind the answer, and held from then on: the next decisions call nothing.
            await Eventually(() => Task.FromResult(gateway.Cache.HeldRisk(EntityKind.Account, GrainKeys.Account("gw-newcomer"), out _) is not null));
            Assert.Equal(0, gateway.Cache.HeldRisk(EntityKind.Account, GrainKeys.Account("gw-newcomer"), out _)?.Events);
            var watches = gateway.Watches;
            Assert.Equal(DecisionAction.Allow, (await gateway.Decide("gw-newcomer", "192.0.2.150")).Action);
            Assert.Equal(watches, gateway.Watches);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_account_with_events_or_an_override_is_never_decided_as_never_seen()
    {
        await embedded.Cluster.Client.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Extraction("gw-known-hydra", i)).ToArray());
        await embedded.Cluster.Client.GetGrain<IPolicyGrain>(IPolicyGrain.Default).SetOverride(EntityKind.Account, "gw-known-blocked", OverrideAction.Block, "test");
        var gateway = await StartedWithKnownEntities();
        try
        {
            Assert.True((await gateway.Decide("gw-known-hydra")).IsFlagged);
            Assert.Equal(DecisionAction.Block, (await gateway.Decide("gw-known-blocked")).Action);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_gateway_that_decided_on_a_newcomer_hears_of_its_events_without_asking_again()
    {
        var gateway = await StartedWithKnownEntities();
        try
        {
            Assert.Equal(DecisionAction.Allow, (await gateway.Decide("gw-late-hydra")).Action);
            await Eventually(() => Task.FromResult(gateway.Cache.HeldRisk(EntityKind.Account, GrainKeys.Account("gw-late-hydra"), out _) is not null));
            var watches = gateway.Watches;

            await embedded.Cluster.Client.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Extraction("gw-late-hydra", i)).ToArray());

            // The watch made behind the first answer carries the account's change here.
            await Eventually(async () => (await gateway.Decide("gw-late-hydra")).IsFlagged);
            Assert.True((await gateway.Decide("gw-late-hydra")).IsFlagged);
            Assert.Equal(watches, gateway.Watches);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_account_first_heard_of_since_the_copys_refresh_is_decided_from_its_risk_when_the_cluster_answers_in_time()
    {
        // A copy that will not hear of the account before the decision: refreshed once, then not for an hour.
        var gateway = Gateway(new RiskGatewayOptions
        {
            DecisionTimeout = TimeSpan.FromSeconds(10), KnownEntitiesRefresh = TimeSpan.FromHours(1), NeverSeenWait = TimeSpan.FromSeconds(10),
        });
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            await Eventually(() => Task.FromResult(gateway.Known.Loaded));
            await embedded.Cluster.Client.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Extraction("gw-replayed-hydra", i)).ToArray());
            Assert.False(gateway.Known.MayExist(EntityKind.Account, GrainKeys.Account("gw-replayed-hydra")));

            // Replayed a moment ago, decided now: the copy has not seen it, but the cluster answers within the wait.
            Assert.True((await gateway.Decide("gw-replayed-hydra")).IsFlagged);
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }
}
