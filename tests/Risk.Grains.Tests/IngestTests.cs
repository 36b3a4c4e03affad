using Risk.Tests.Shared;
using Risk.Contracts;

namespace Risk.Grains.Tests;

public class IngestTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IIngestGrain Ingest => fixture.Grains.GetGrain<IIngestGrain>(0);

    private Task<AccountVerdict> Verdict(string account) =>
        fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(account)).GetVerdict();

    /// <summary>The distinct clusters the accounts are in now.</summary>
    private async Task<HashSet<string?>> ClustersOf(IEnumerable<string> accounts)
    {
        var ids = new HashSet<string?>();
        foreach (var account in accounts) ids.Add((await Verdict(account)).Cluster);
        return ids;
    }

    [Fact]
    public async Task A_batch_reaches_the_right_account_ip_and_proxy_grains()
    {
        var batch = new List<RiskEvent>();
        for (var i = 0; i < 5; i++) batch.Add(Traffic.Ordinary("ingest-alice", i, ip: "192.0.2.1", proxy: "vpn:ingest"));
        for (var i = 0; i < 3; i++) batch.Add(Traffic.Ordinary("ingest-bob", i, ip: "::ffff:192.0.2.2"));

        var receipt = await Ingest.Ingest(batch);

        Assert.Equal(8, receipt.Accepted);
        Assert.Empty(receipt.Rejections);
        Assert.Equal(5, (await Verdict("ingest-alice")).Events);
        Assert.Equal(3, (await Verdict("ingest-bob")).Events);
        Assert.Equal(5, (await fixture.Grains.GetGrain<IIpGrain>(GrainKeys.Ip("192.0.2.1")).GetRisk()).Events);
        // IPv4-mapped IPv6 is folded to IPv4 before it becomes a key.
        Assert.Equal(3, (await fixture.Grains.GetGrain<IIpGrain>(GrainKeys.Ip("192.0.2.2")).GetRisk()).Events);
        Assert.Equal(5, (await fixture.Grains.GetGrain<IProxyGrain>(GrainKeys.Proxy("vpn:ingest")).GetRisk()).Events);
    }

    [Fact]
    public async Task Bad_events_are_rejected_by_index_and_the_rest_of_the_batch_is_applied()
    {
        var good = Traffic.Ordinary("ingest-carol", 1);
        var batch = new[]
        {
            good,
            good with { Ip = "not-an-ip" },
            good with { Account = "" },
            good with { Ts = DateTime.UtcNow.AddDays(3) },
            good with { Model = new string('m', 513) },
            Traffic.Ordinary("ingest-carol", 2),
        };

        var receipt = await Ingest.Ingest(batch);

        Assert.Equal(2, receipt.Accepted);
        Assert.Equal([1, 2, 3, 4], receipt.Rejections.Select(r => r.Index));
        Assert.StartsWith("ip:", receipt.Rejections[0].Reason);
        Assert.StartsWith("account:", receipt.Rejections[1].Reason);
        Assert.StartsWith("ts:", receipt.Rejections[2].Reason);
        Assert.StartsWith("model:", receipt.Rejections[3].Reason);
        Assert.Equal(2, (await Verdict("ingest-carol")).Events);
    }

    [Fact]
    public async Task A_retried_batch_is_applied_once_by_the_account_its_ip_and_its_proxy()
    {
        RiskEvent Event(int i) => Traffic.Ordinary("retry-ann", i, ip: "198.18.7.77", proxy: "vpn:retry") with { Id = $"retry-ann-{i}" };
        var first = Enumerable.Range(0, 6).Select(Event).ToArray();
        Assert.Equal(6, (await Ingest.Ingest(first)).Accepted);

        // The same six again, as a gateway retries a batch whose answer it lost, with four new ones, and one
        // repeated within the batch.
        var retry = await Ingest.Ingest([.. first, .. Enumerable.Range(6, 4).Select(Event), Event(8)]);

        Assert.Equal(11, retry.Accepted);
        Assert.Equal(7, retry.Duplicates);
        Assert.Empty(retry.Rejections);
        Assert.Equal(10, (await Verdict("retry-ann")).Events);
        Assert.Equal(10, (await fixture.Grains.GetGrain<IIpGrain>(GrainKeys.Ip("198.18.7.77")).GetRisk()).Events);
        Assert.Equal(10, (await fixture.Grains.GetGrain<IProxyGrain>(GrainKeys.Proxy("vpn:retry")).GetRisk()).Events);
        // Without ids nothing can be told apart: the same event twice counts twice.
        var plain = Traffic.Ordinary("retry-ann", 50, ip: "198.18.7.77");
        await Ingest.Ingest([plain, plain]);
        Assert.Equal(12, (await Verdict("retry-ann")).Events);
    }

    [Fact]
    public async Task A_batch_with_more_of_an_accounts_events_than_it_remembers_is_found_whole_when_sent_again()
    {
        // A gateway that died after its batch was applied: the client sends the whole batch again through another.
        var batch = Enumerable.Range(0, 150).Select(i => Traffic.Ordinary("retry-cy", i) with { Id = $"retry-cy-{i}" }).ToArray();
        Assert.Equal(150, (await Ingest.Ingest(batch)).Accepted);

        var again = await Ingest.Ingest(batch);

        Assert.Empty(again.Rejections);
        Assert.Equal(150, again.Duplicates);
        Assert.Equal(150, (await Verdict("retry-cy")).Events);
    }

    [Fact]
    public async Task A_retry_older_than_everything_the_account_remembers_is_refused_not_applied_twice()
    {
        RiskEvent Event(int i) => Traffic.Ordinary("retry-bea", i) with { Id = $"retry-bea-{i}" };
        // One more than an account remembers: the first id is pushed out.
        await Ingest.Ingest(Enumerable.Range(0, 65).Select(Event).ToArray());

        var late = await Ingest.Ingest([Event(0), Event(64), Event(65)]);

        Assert.Equal(2, late.Accepted);
        Assert.Equal(1, late.Duplicates);
        var refused = Assert.Single(late.Rejections);
        Assert.Equal(0, refused.Index);
        Assert.StartsWith("id: older than the account's de-duplication window", refused.Reason);
        Assert.Equal(66, (await Verdict("retry-bea")).Events);
    }

    [Fact]
    public async Task A_row_that_points_outside_its_batch_strings_is_rejected_and_the_rest_is_applied()
    {
        var good = EventBatch.Of([Traffic.Ordinary("ingest-frank", 1), Traffic.Ordinary("ingest-frank", 2)]);
        var rows = good.Rows.ToList();
        rows.Insert(1, rows[0] with { Ip = good.Strings.Length });
        rows.Insert(2, rows[0] with { Account = -7 });
        rows.Insert(3, rows[0] with { Account = 0 });

        var receipt = await Ingest.Ingest(good with { Rows = [.. rows] });

        Assert.Equal(2, receipt.Accepted);
        Assert.Equal([1, 2, 3], receipt.Rejections.Select(r => r.Index));
        Assert.StartsWith("ip: string", receipt.Rejections[0].Reason);
        Assert.StartsWith("account: string", receipt.Rejections[1].Reason);
        Assert.StartsWith("account: required", receipt.Rejections[2].Reason);
        Assert.Equal(2, (await Verdict("ingest-frank")).Events);
        Assert.Equal(0, (await Ingest.Ingest(good with { Rows = null! })).Accepted);
    }

    [Fact]
    public async Task Decisions_change_with_traffic()
    {
        var decider = fixture.Grains.GetGrain<IDecisionGrain>(0);
        await Ingest.Ingest(Enumerable.Range(0, 5).Select(i => Traffic.Ordinary("ingest-dave", i)).ToArray());
        var before = await decider.Decide("ingest-dave", "203.0.113.50", null);
        Assert.Equal(DecisionAction.Allow, before.Action);

        for (var chunk = 0; chunk < 4; chunk++)
            await Ingest.Ingest(Enumerable.Range(chunk * 50, 50).Select(i => Traffic.Extraction("ingest-dave", 10_000 + i)).ToArray());

        var after = await decider.Decide("ingest-dave", "203.0.113.50", null);
        Assert.True(after.IsFlagged, $"expected challenge or block, got {after.Action} {after.Score}");
        Assert.Contains(ReasonCodes.CotElicitation, after.Reasons);
        var verdict = await Verdict("ingest-dave");
        Assert.NotNull(verdict.FirstFlaggedAt);
        // Flagged at an event time inside the extraction stream, not at the wall clock.
        Assert.InRange(verdict.FirstFlaggedAt!.Value, Traffic.T0.AddSeconds(10_000 * 20), Traffic.T0.AddSeconds(10_200 * 20));
    }

    [Fact]
    public async Task A_cluster_passes_its_risk_to_a_new_member_on_its_first_requests()
    {
        const string card = "card-shared-ring";
        for (var member = 0; member < 12; member++)
            await Ingest.Ingest(Enumerable.Range(0, 120).Select(i => Traffic.Extraction($"ring-{member}", i, ip: "192.0.2.66", payment: card)).ToArray());

        // A replacement account: one ordinary-looking request on the ring's card.
        await Ingest.Ingest([Traffic.Ordinary("ring-replacement", 1) with { Payment = card, Ts = Traffic.T0.AddHours(1) }]);

        var verdict = await Verdict("ring-replacement");
        Assert.NotNull(verdict.Cluster);
        Assert.Contains(ReasonCodes.ClusterRisk, verdict.Decision.Reasons);
        Assert.True(verdict.Decision.IsFlagged, $"replacement got {verdict.Decision.Action} {verdict.Decision.Score}");
        var cluster = await fixture.Grains.GetGrain<IClusterGrain>(verdict.Cluster!).GetRisk();
        Assert.Equal(13, cluster.Members);

        // The report to the cluster is one-way; its answer is the cluster's push. The account's own risk, which every
        // decision reads, takes it in, and the account counts as flagged from its one request on.
        var decision = await Traffic.Eventually(() => fixture.Grains.GetGrain<IDecisionGrain>(0).Decide("ring-replacement", null, null), d => d.IsFlagged);
        Assert.True(decision.IsFlagged, $"the decision for the replacement was {decision.Action} {decision.Score}");
        Assert.Contains(ReasonCodes.ClusterRisk, decision.Reasons);
        Assert.Equal(Traffic.T0.AddHours(1), (await Verdict("ring-replacement")).FirstFlaggedAt);
    }

    [Fact]
    public async Task A_small_team_sharing_a_card_passes_no_risk_to_a_new_member()
    {
        const string card = "card-small-lab";
        for (var member = 0; member < 4; member++)
            await Ingest.Ingest(Enumerable.Range(0, 120).Select(i => Traffic.Extraction($"lab-{member}", i, ip: "192.0.2.77", payment: card)).ToArray());

        await Ingest.Ingest([Traffic.Ordinary("lab-newcomer", 1) with { Payment = card, Ts = Traffic.T0.AddHours(1) }]);

        var verdict = await Verdict("lab-newcomer");
        Assert.NotNull(verdict.Cluster);
        Assert.DoesNotContain(ReasonCodes.ClusterRisk, verdict.Decision.Reasons);
        Assert.Equal(DecisionAction.Allow, verdict.Decision.Action);
    }

    [Fact]
    public async Task Clusters_that_meet_at_a_flagged_hub_merge_and_pool_their_risk()
    {
        // Three small rings, each on its own card (too small alone to pass risk on), all behind one hub IP.
        for (var ring = 0; ring < 3; ring++)
            for (var member = 0; member < 4; member++)
                await Ingest.Ingest(Enumerable.Range(0, 120)
                    .Select(i => Traffic.Extraction($"hub-{ring}-{member}", i, ip: "192.0.2.88", payment: $"card-hub-{ring}")).ToArray());

        var clusters = await Traffic.Eventually(() => ClustersOf(Enumerable.Range(0, 3).Select(ring => $"hub-{ring}-0")), ids => ids.Count == 1);
        Assert.Single(clusters);
        var merged = await fixture.Grains.GetGrain<IClusterGrain>(clusters.Single()!).GetRisk();
        Assert.Equal(12, merged.Members);

        // A replacement on one ring's card, from elsewhere, inherits the pooled risk.
        await Ingest.Ingest([Traffic.Ordinary("hub-replacement", 1, ip: "198.51.100.200") with { Payment = "card-hub-2", Ts = Traffic.T0.AddHours(1) }]);
        var verdict = await Verdict("hub-replacement");
        Assert.Equal(clusters.Single(), verdict.Cluster);
        Assert.Contains(ReasonCodes.ClusterRisk, verdict.Decision.Reasons);
    }

    [Fact]
    public async Task A_crowd_of_ordinary_users_sharing_an_ip_never_merges_their_clusters()
    {
        for (var user = 0; user < 12; user++)
            await Ingest.Ingest(Enumerable.Range(0, 30).Select(i => Traffic.Ordinary($"crowd-{user}", i, ip: "100.64.0.9")).ToArray());
        await Task.Delay(500);
        Assert.Equal(12, (await ClustersOf(Enumerable.Range(0, 12).Select(user => $"crowd-{user}"))).Count);
    }

    [Fact]
    public async Task A_card_shared_by_established_accounts_passes_no_risk_for_their_scores_and_one_of_fresh_accounts_does()
    {
        // The same extraction-like workload on one card each: a lab's accounts held for a year, and fresh sign-ups.
        foreach (var (name, created) in new[] { ("held", Traffic.T0.AddDays(-400)), ("fresh", Traffic.T0.AddDays(-2)) })
            for (var member = 0; member < 8; member++)
                await Ingest.Ingest(Enumerable.Range(0, 120).Select(i => Traffic.Extraction($"{name}-{member}", i, ip: $"192.0.2.{(name == "held" ? 150 : 160) + member}",
                    payment: $"card-{name}") with { AccountCreated = created }).ToArray());

        async Task<ClusterRisk> ClusterOf(string account) =>
            await fixture.Grains.GetGrain<IClusterGrain>((await Verdict(account)).Cluster!).GetRisk();
        var fresh = await Traffic.Eventually(() => ClusterOf("fresh-0"), c => c.Risk.Score > 0);
        Assert.Contains(fresh.Risk.Reasons, r => r.Code == ReasonCodes.ClusterRisk);
        var held = await ClusterOf("held-0");
        Assert.Equal(8, held.Members);
        Assert.Equal(0, held.FlaggedMembers);
        Assert.Empty(held.Risk.Reasons);
    }

    [Fact]
    public async Task Rings_opened_in_one_week_on_one_client_link_their_clusters_once_most_of_the_cohort_is_flagged()
    {
        // Three rings, each on its own card and its own address: nothing shared but the week they were opened
        // and the client they run.
        for (var ring = 0; ring < 3; ring++)
            for (var member = 0; member < 4; member++)
                await Ingest.Ingest(Enumerable.Range(0, 120)
                    .Select(i => Traffic.Extraction($"week-{ring}-{member}", i, ip: $"192.0.2.{120 + ring * 4 + member}", payment: $"card-week-{ring}")
                        with { Ja4 = "t13d1516h2_cohort_ring" }).ToArray());

        var clusters = await Traffic.Eventually(() => ClustersOf(Enumerable.Range(0, 3).Select(ring => $"week-{ring}-0")), ids => ids.Count == 1);
        Assert.Single(clusters);
        Assert.Equal(12, (await fixture.Grains.GetGrain<IClusterGrain>(clusters.Single()!).GetRisk()).Members);
    }

    [Fact]
    public async Task A_same_week_cohort_of_ordinary_users_never_links_their_clusters()
    {
        // A company's batch of seats: opened together, one client, ordinary use.
        for (var user = 0; user < 12; user++)
            await Ingest.Ingest(Enumerable.Range(0, 30).Select(i => Traffic.Ordinary($"seat-{user}", i, ip: $"198.51.100.{60 + user}")
                with { AccountCreated = Traffic.T0.AddDays(-3), Ja4 = "t13d1516h2_company_seats" }).ToArray());
        await Task.Delay(500);
        Assert.Equal(12, (await ClustersOf(Enumerable.Range(0, 12).Select(user => $"seat-{user}"))).Count);
    }

    /// <summary>
    /// Twelve young accounts, opened within a week, asking for the same kinds of problems in paraphrased words every
    /// ninety minutes for two and a half days, in rounds as they would arrive. <paramref name="venueShare"/> of each
    /// account's requests come from one address they all share; the rest from each account's own.
    /// </summary>
    private async Task<string[]> ParaphrasingCohort(string name, double venueShare)
    {
        var accounts = Enumerable.Range(0, 12).Select(i => $"{name}-{i}").ToArray();
        for (var round = 0; round < 40; round++)
            await Ingest.Ingest(accounts.Select((account, i) => new RiskEvent(
                Traffic.T0.AddHours(round * 1.5).AddMinutes(i * 3), account,
                (round * 7 + i) % 10 < venueShare * 10 ? $"192.0.2.{200 + name.Length}" : $"198.18.{name.Length}.{10 + i}",
                Asn: 64510 + i, Payment: $"card-{account}", AccountCreated: Traffic.T0.AddDays(-20 + i * 0.5), Tier: AccountTier.Standard,
                InTokens: 90, OutTokens: 900, Prompt: Edge.PromptFeatures.Extract(Paraphrases.Of(round * 13 + i)))).ToArray());
        return accounts;
    }

    [Fact]
    public async Task A_dispersed_ring_of_young_accounts_paraphrasing_the_same_skeletons_is_flagged_and_linked_as_one()
    {
        var ring = await ParaphrasingCohort("careful", venueShare: 0);

        var verdicts = await Traffic.Eventually(() => Task.WhenAll(ring.Select(Verdict)), vs => vs.All(v => v.Decision.IsFlagged));
        Assert.All(verdicts, v => Assert.True(v.Decision.IsFlagged, $"{v.Account} was {v.Decision.Action} {v.Decision.Score}"));
        Assert.All(verdicts, v => Assert.Contains(ReasonCodes.ContentRing, v.Decision.Reasons));
        Assert.Single(await Traffic.Eventually(() => ClustersOf(ring), ids => ids.Count == 1));

        // `risk explain` says which family and how large a ring; an operator who allows the account forgets it.
        var account = fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(ring[0]));
        var told = await Traffic.Eventually(async () => (await account.Explain()).Ring, r => r?.Members == 12);
        Assert.NotNull(told);
        Assert.Equal(12, told.Members);
        Assert.StartsWith("family-", told.Family);
        await fixture.Grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).SetOverride(EntityKind.Account, ring[0], OverrideAction.Allow, "test");
        Assert.Null((await account.Explain()).Ring);
    }

    [Fact]
    public async Task A_class_that_asks_the_same_in_the_same_words_but_meets_at_its_venue_is_never_called_a_ring()
    {
        var students = await ParaphrasingCohort("class", venueShare: 0.3);
        await Task.Delay(500);
        foreach (var student in students)
        {
            var verdict = await Verdict(student);
            Assert.DoesNotContain(ReasonCodes.ContentRing, verdict.Decision.Reasons);
            Assert.False(verdict.Decision.IsFlagged, $"{student} was {verdict.Decision.Action} {verdict.Decision.Score}");
        }
        Assert.Equal(12, (await ClustersOf(students)).Count);
    }

    [Fact]
    public async Task A_flag_that_other_accounts_corroborate_outlasts_its_window_until_an_operator_answers_it()
    {
        // Eight workers, each on its own card, behind one address: the address's traffic is mostly flagged, which
        // corroborates each worker's own flag. Sent in rounds, so later rounds see the address's flagged share.
        const string hub = "192.0.2.140";
        for (var round = 0; round < 4; round++)
            for (var worker = 0; worker < 8; worker++)
                await Ingest.Ingest(Enumerable.Range(round * 30, 30).Select(i => Traffic.Extraction($"memory-{worker}", i, ip: hub)).ToArray());
        var flagged = await Verdict("memory-0");
        Assert.True(flagged.Decision.IsFlagged, $"memory-0 was {flagged.Decision.Action} {flagged.Decision.Score}");

        // Two days of ordinary use from elsewhere: its own extraction share falls far below any flag.
        await Ingest.Ingest(Enumerable.Range(0, 400).Select(i => Traffic.Ordinary("memory-0", i, ip: "198.51.100.91")
            with { Ts = Traffic.T0.AddHours(1).AddMinutes(i * 7), Payment = "card-memory-0", AccountCreated = Traffic.T0.AddDays(-2) }).ToArray());
        var account = fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("memory-0"));
        var held = await account.Explain();
        Assert.True(held.Verdict.Decision.IsFlagged, $"memory-0 was let go: {held.Verdict.Decision.Action} {held.Verdict.Decision.Score}");
        Assert.Equal(ReasonCodes.CampaignMember, held.Verdict.Decision.Reasons[0]);
        Assert.Equal(ReasonCodes.CampaignMember, held.Campaign?.Reason);
        Assert.True(held.Own.Score < 40, $"its own signals still scored {held.Own.Score}");

        // An operator allows it, then lifts the override: the evidence was answered, and nothing renews it.
        var policy = fixture.Grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default);
        await policy.SetOverride(EntityKind.Account, "memory-0", OverrideAction.Allow, "test");
        await policy.SetOverride(EntityKind.Account, "memory-0", OverrideAction.None, "test");
        var cleared = await account.Explain();
        Assert.Null(cleared.Campaign);
        Assert.False(cleared.Verdict.Decision.IsFlagged, $"memory-0 was {cleared.Verdict.Decision.Action} {cleared.Verdict.Decision.Score}");
    }

    [Fact]
    public async Task State_survives_deactivation_and_reactivation()
    {
        await Ingest.Ingest(Enumerable.Range(0, 40).Select(i => Traffic.Extraction("ingest-erin", i, ip: "192.0.2.55")).ToArray());
        var account = fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("ingest-erin"));
        var before = await account.GetVerdict();

        await fixture.Cluster.DeactivateAsync(account);
        var after = await account.GetVerdict();

        Assert.Equal(40, after.Events);
        Assert.Equal((before.Decision.Action, before.Decision.Score), (after.Decision.Action, after.Decision.Score));
        Assert.Equal(before.Decision.Reasons, after.Decision.Reasons);
        Assert.Equal(before.FirstFlaggedAt, after.FirstFlaggedAt);
        Assert.Equal(before.LastEventAt, after.LastEventAt);
    }
}
