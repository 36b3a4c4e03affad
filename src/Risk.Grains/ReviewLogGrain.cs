using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Grains;

public sealed class ReviewLogState
{
    /// <summary>In the order they were added; at most <see cref="IReviewLogGrain.PageSize"/>.</summary>
    public List<AccountReview> Reviews { get; set; } = [];
}

/// <summary>
/// One page of one day's reviews. Written through: a review is an operator's label, and the caller acknowledges it
/// only once it is stored. A page holds a bounded number so that its record stays one table row however busy the
/// analysts are; the next page takes the rest.
/// </summary>
public sealed class ReviewLogGrain(
    [PersistentState("reviews", RiskGrainOptions.StorageName)] IPersistentState<ReviewLogState> state,
    IOptions<RiskGrainOptions> options) : WriteBehindGrain<ReviewLogState>(state, options), IReviewLogGrain
{
    public async Task<bool> Add(AccountReview review)
    {
        if (State.Reviews.Count >= IReviewLogGrain.PageSize) return false;
        try
        {
            // Applied again over a record another activation stored, should the write conflict; a page it filled
            // meanwhile takes one more, which a row still holds.
            await WriteThrough(page => page.Reviews.Add(review));
        }
        catch
        {
            // Not stored, so not logged: the caller hears the failure and may try again.
            State.Reviews.Remove(review);
            throw;
        }
        return true;
    }

    protected override ReviewLogState Reconcile(ReviewLogState stored, ReviewLogState mine)
    {
        ApplyUnstored(stored);
        return stored;
    }

    public Task<IReadOnlyList<AccountReview>> Reviews() => Task.FromResult<IReadOnlyList<AccountReview>>([.. State.Reviews]);
}
