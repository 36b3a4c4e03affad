namespace Risk.Contracts;

/// <summary>
/// Analysts' reviews, as they were made: one grain per UTC day and page (<see cref="Key"/>), each holding at most
/// <see cref="PageSize"/> so that its stored state stays well inside one table row. Written through before a review is
/// acknowledged: a label is something an operator set. `risk evaluate --reviews` reads them back to measure how right
/// past decisions were.
/// </summary>
[Alias("risk.IReviewLogGrain")]
public interface IReviewLogGrain : IGrainWithStringKey
{
    const int PageSize = 500;

    static string Key(DateOnly day, int page) => $"{day:yyyy-MM-dd}/{page}";

    /// <summary>Stores the review; false, storing nothing, when this page is full (the caller tries the next page).</summary>
    [Alias("Add")]
    Task<bool> Add(AccountReview review);

    /// <summary>This page's reviews, oldest first.</summary>
    [Alias("Reviews"), ReadOnly, AlwaysInterleave]
    Task<IReadOnlyList<AccountReview>> Reviews();
}

[GenerateSerializer, Alias("risk.review-verdict")]
public enum ReviewVerdict : byte
{
    /// <summary>The account is blocked (an override).</summary>
    Confirm = 0,
    /// <summary>The account is allowed (an override).</summary>
    Clear = 1,
}

[GenerateSerializer, Alias("risk.review-label")]
public enum ReviewLabel : byte
{
    Fraud = 0,
    Benign = 1,
}

/// <summary>An analyst's review of one account, with the decision it reviewed.</summary>
/// <param name="Reviewer">The key's name the review was made with.</param>
/// <param name="At">Wall time (UTC) of the review.</param>
/// <param name="Before">The account's decision when it was reviewed: what the label judges.</param>
[GenerateSerializer, Immutable, Alias("risk.account-review")]
public sealed record AccountReview(
    [property: Id(0)] string Account,
    [property: Id(1)] ReviewVerdict Verdict,
    [property: Id(2)] ReviewLabel Label,
    [property: Id(3)] string? Note,
    [property: Id(4)] string Reviewer,
    [property: Id(5)] DateTime At,
    [property: Id(6)] Decision Before)
{
    /// <summary>The longest note kept; a longer one is refused, not cut.</summary>
    public const int MaxNote = 1000;
}
