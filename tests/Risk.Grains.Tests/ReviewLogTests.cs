using Risk.Contracts;

namespace Risk.Grains.Tests;

/// <summary>Analysts' reviews, one grain per day and page, stored before they are acknowledged.</summary>
public class ReviewLogTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly Decision Blocked = new(DecisionAction.Block, 91, ["cot_elicitation"], 1);

    private IReviewLogGrain Page(DateOnly day, int page) => fixture.Grains.GetGrain<IReviewLogGrain>(IReviewLogGrain.Key(day, page));

    private static AccountReview Review(string account) =>
        new(account, ReviewVerdict.Confirm, ReviewLabel.Fraud, null, "key:ana", new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc), Blocked);

    [Fact]
    public async Task A_page_keeps_its_reviews_in_order_and_refuses_one_past_its_size()
    {
        var page = Page(new DateOnly(2026, 3, 2), 0);
        for (var i = 0; i < IReviewLogGrain.PageSize; i++) Assert.True(await page.Add(Review($"log-{i}")));

        Assert.False(await page.Add(Review("log-past")));

        var reviews = await page.Reviews();
        Assert.Equal(IReviewLogGrain.PageSize, reviews.Count);
        Assert.Equal(Enumerable.Range(0, IReviewLogGrain.PageSize).Select(i => $"log-{i}"), reviews.Select(r => r.Account));
        Assert.DoesNotContain(reviews, r => r.Account == "log-past");
        Assert.True(await Page(new DateOnly(2026, 3, 2), 1).Add(Review("log-past")));
    }

    [Fact]
    public async Task Reviews_are_stored_before_they_are_acknowledged_and_survive_deactivation()
    {
        var page = Page(new DateOnly(2026, 3, 3), 0);
        Assert.True(await page.Add(Review("kept-ann") with { Note = "templated" }));
        Assert.True(await page.Add(Review("kept-bo") with { Verdict = ReviewVerdict.Clear, Label = ReviewLabel.Benign }));

        await fixture.Cluster.DeactivateAsync(page);

        var reviews = await page.Reviews();
        Assert.Equal([("kept-ann", ReviewLabel.Fraud, "templated"), ("kept-bo", ReviewLabel.Benign, null)], reviews.Select(r => (r.Account, r.Label, r.Note)));
        Assert.Equal(Blocked.Reasons, reviews[0].Before.Reasons);
    }
}
