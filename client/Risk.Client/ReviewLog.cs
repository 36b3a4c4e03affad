using Risk.Contracts;

namespace Risk.Client;

/// <summary>Reads analysts' reviews back from the per-day pages of <see cref="IReviewLogGrain"/>: the silo's API and the CLI share it.</summary>
public static class ReviewLog
{
    /// <summary>Far more pages than a day's reviews fill; past it a day is taken as full rather than scanned on.</summary>
    public const int MaxPagesPerDay = 1000;

    /// <summary>The reviews made from <paramref name="since"/> through <paramref name="until"/> (UTC days), oldest first.</summary>
    public static async IAsyncEnumerable<AccountReview> Read(IGrainFactory grains, DateOnly since, DateOnly until)
    {
        for (var day = since; day <= until; day = day.AddDays(1))
            for (var page = 0; page < MaxPagesPerDay; page++)
            {
                var reviews = await grains.GetGrain<IReviewLogGrain>(IReviewLogGrain.Key(day, page)).Reviews();
                foreach (var review in reviews) yield return review;
                // Pages fill in order: one with room is the day's last.
                if (reviews.Count < IReviewLogGrain.PageSize) break;
            }
    }
}
