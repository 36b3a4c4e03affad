namespace Risk.Contracts;

/// <summary>
/// A content family: the accounts whose extraction prompts keep landing on one locality-sensitive key
/// (<see cref="PromptSignals.Families"/>), that is, that keep paraphrasing the same skeletons. Keyed by
/// <c>family-</c> and the band and key in hex. When most of its members are ring-like (young, dispersed,
/// content-heavy) and were opened together, it tells those accounts they are a ring
/// (<see cref="IAccountGrain.RingFound"/>) and links their clusters. Members report when they join and when
/// their standing changes, one-way.
/// </summary>
[Alias("risk.IFamilyGrain")]
public interface IFamilyGrain : IGrainWithStringKey
{
    [Alias("Report"), OneWay]
    Task Report(FamilyReport report);
}

/// <summary>An account's standing as its content family counts it.</summary>
/// <param name="Created">When the account was opened.</param>
/// <param name="RingLike">Young, dispersed and content-heavy on its own signals.</param>
/// <param name="Cluster">Its cluster, while it is ring-like.</param>
/// <param name="Joins">Its first report to this family.</param>
/// <param name="WasRingLike">What it reported last time, which this replaces in the family's count.</param>
[GenerateSerializer, Immutable, Alias("risk.family-report")]
public sealed record FamilyReport(
    [property: Id(0)] string Account,
    [property: Id(1)] DateTime Created,
    [property: Id(2)] bool RingLike,
    [property: Id(3)] string? Cluster,
    [property: Id(4)] bool Joins,
    [property: Id(5)] bool WasRingLike,
    [property: Id(6)] DateTime Ts);

/// <summary>A content family's word to one of its members: it is one of a ring of <paramref name="Members"/> accounts.</summary>
/// <param name="At">The event time of the report that completed the ring.</param>
[GenerateSerializer, Immutable, Alias("risk.family-ring")]
public sealed record FamilyRing([property: Id(0)] uint Family, [property: Id(1)] int Members, [property: Id(2)] DateTime At);
