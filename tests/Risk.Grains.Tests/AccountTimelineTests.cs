using Risk.Contracts;
using Risk.Edge;

namespace Risk.Grains.Tests;

/// <summary>What the console reads of one account: its hours, its review, and where its latest request came from.</summary>
public class AccountTimelineTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IIngestGrain Ingest => fixture.Grains.GetGrain<IIngestGrain>(0);

    private IAccountGrain Account(string account) => fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(account));

    /// <summary>No payment, so no cluster: the score a verdict gives is the one the account held after its last batch.</summary>
    private static RiskEvent Extraction(string account, DateTime ts, int i) =>
        Traffic.Extraction(account, i) with { Ts = ts, Payment = null };

    [Fact]
    public async Task The_timeline_counts_events_per_active_hour_with_the_score_after_each_hours_last_batch()
    {
        var h0 = Traffic.T0.AddHours(5);
        await Ingest.Ingest([Extraction("timeline-ann", h0.AddMinutes(1), 0), Extraction("timeline-ann", h0.AddMinutes(30), 1)]);
        var first = (await Account("timeline-ann").GetVerdict()).Decision.Score;
        // Hours 6 and 7 have nothing; hour 8 gets a long run of extraction, in two batches.
        await Ingest.Ingest(Enumerable.Range(2, 60).Select(i => Extraction("timeline-ann", h0.AddHours(3).AddSeconds(i * 20), i)).ToArray());
        await Ingest.Ingest(Enumerable.Range(62, 60).Select(i => Extraction("timeline-ann", h0.AddHours(3).AddSeconds(i * 20), i)).ToArray());
        var last = (await Account("timeline-ann").GetVerdict()).Decision.Score;

        var timeline = await Account("timeline-ann").Timeline();

        Assert.Equal([(h0, 2, (double)first), (h0.AddHours(3), 120, last)], timeline.Select(p => (p.Hour, p.Events, p.Score)));
        Assert.True(last > first, $"the extraction hour scored {last}, the first {first}");
        Assert.Equal(DateTimeKind.Utc, timeline[0].Hour.Kind);
    }

    [Fact]
    public async Task The_timeline_keeps_24_active_hours_and_a_late_event_adds_to_its_hour_or_to_none()
    {
        for (var h = 0; h < 30; h++) await Ingest.Ingest([Extraction("timeline-bo", Traffic.T0.AddHours(h * 2), h)]);
        await Ingest.Ingest([Extraction("timeline-bo", Traffic.T0.AddHours(20).AddMinutes(10), 100), Extraction("timeline-bo", Traffic.T0.AddHours(1), 101)]);

        var timeline = await Account("timeline-bo").Timeline();

        Assert.Equal(24, timeline.Count);
        Assert.Equal(Traffic.T0.AddHours(12), timeline[0].Hour);
        Assert.Equal(Traffic.T0.AddHours(58), timeline[^1].Hour);
        Assert.Equal(2, timeline.Single(p => p.Hour == Traffic.T0.AddHours(20)).Events);
        Assert.Equal(25, timeline.Sum(p => p.Events));
        Assert.Equal(32, (await Account("timeline-bo").GetVerdict()).Events);
    }

    [Fact]
    public async Task The_timeline_and_the_review_survive_deactivation()
    {
        await Ingest.Ingest([Extraction("timeline-cy", Traffic.T0, 0), Extraction("timeline-cy", Traffic.T0.AddHours(2), 1)]);
        var account = Account("timeline-cy");
        var review = new AccountReview("timeline-cy", ReviewVerdict.Confirm, ReviewLabel.Fraud, "templated prompts", "key:ana",
            DateTime.UtcNow, (await account.GetVerdict()).Decision);
        await account.Reviewed(review);
        var before = await account.Timeline();

        await fixture.Cluster.DeactivateAsync(account);

        Assert.Equal(before, await account.Timeline());
        Assert.Equal(review.Note, (await account.Review())?.Note);
        Assert.Equal(review.Before.Score, (await account.Review())?.Before.Score);
    }

    [Fact]
    public async Task An_account_never_reviewed_has_no_review()
    {
        await Ingest.Ingest([Extraction("timeline-dee", Traffic.T0, 0)]);

        Assert.Null(await Account("timeline-dee").Review());
    }

    [Fact]
    public async Task A_verdict_names_the_latest_ip_proxy_and_payment()
    {
        await Ingest.Ingest([
            Traffic.Ordinary("links-eli", 0, ip: "198.51.100.7", proxy: "relay-a") with { Payment = "card-old" },
            Traffic.Ordinary("links-eli", 1, ip: "198.51.100.8", proxy: "relay-b") with { Payment = "card-new" },
        ]);

        var verdict = await Account("links-eli").GetVerdict();

        Assert.Equal(("198.51.100.8", "relay-b", "card-new"), (verdict.Ip, verdict.Proxy, verdict.Payment));
    }
}
