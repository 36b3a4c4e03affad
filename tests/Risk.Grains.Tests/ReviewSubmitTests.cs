using Risk.Contracts;
using Risk.Silo.Apis;

namespace Risk.Grains.Tests;

/// <summary>What the console calls to review an account: the override, the account's review and the day's log, in one call.</summary>
public class ReviewSubmitTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IAccountGrain Account(string account) => fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(account));

    private async Task<IReadOnlyList<AccountReview>> Logged(DateTime at) =>
        await fixture.Grains.GetGrain<IReviewLogGrain>(IReviewLogGrain.Key(DateOnly.FromDateTime(at), 0)).Reviews();

    [Fact]
    public async Task A_confirmed_review_blocks_the_account_keeps_its_decision_before_and_is_logged()
    {
        await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest(Enumerable.Range(0, 200).Select(i => Traffic.Extraction("submit-eve", i)).ToArray());
        var before = (await Account("submit-eve").GetVerdict()).Decision;

        var review = await ReviewApi.Submit(fixture.Grains, null, "submit-eve", ReviewVerdict.Confirm, ReviewLabel.Fraud, "templated CoT", "key:ana");

        Assert.Equal((before.Action, before.Score), (review.Before.Action, review.Before.Score));
        Assert.Equal(OverrideAction.Block, (await Account("submit-eve").GetRisk()).Override);
        var kept = await Account("submit-eve").Review();
        Assert.Equal((review.Note, review.At), (kept?.Note, kept?.At));
        Assert.Equal(review.Before.Reasons, kept?.Before.Reasons);
        Assert.Contains(await Logged(review.At), r => r.Account == "submit-eve" && r.At == review.At);
        var change = (await fixture.Grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).History(1))[^1];
        Assert.Equal(("key:ana", "review: fraud by key:ana: templated CoT"), (change.Actor, change.Reason));
    }

    [Fact]
    public async Task A_cleared_review_allows_the_account()
    {
        await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest([Traffic.Ordinary("submit-olga", 0)]);

        var review = await ReviewApi.Submit(fixture.Grains, null, "submit-olga", ReviewVerdict.Clear, ReviewLabel.Benign, null, "key:ana");

        Assert.Equal(OverrideAction.Allow, (await Account("submit-olga").GetRisk()).Override);
        Assert.Equal(ReviewLabel.Benign, (await Account("submit-olga").Review())?.Label);
        Assert.Contains(await Logged(review.At), r => r.Account == "submit-olga" && r.At == review.At);
    }

    [Fact]
    public async Task A_note_too_long_or_no_account_is_refused_and_nothing_is_set()
    {
        var tooLong = new string('x', AccountReview.MaxNote + 1);

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            ReviewApi.Submit(fixture.Grains, null, "submit-pat", ReviewVerdict.Confirm, ReviewLabel.Fraud, tooLong, "key:ana"));
        await Assert.ThrowsAsync<ArgumentException>(() => ReviewApi.Submit(fixture.Grains, null, "", ReviewVerdict.Confirm, ReviewLabel.Fraud, null, "key:ana"));

        Assert.Contains($"longer than {AccountReview.MaxNote}", e.Message);
        Assert.Equal(OverrideAction.None, (await Account("submit-pat").GetRisk()).Override);
        Assert.Null(await Account("submit-pat").Review());
    }
}
