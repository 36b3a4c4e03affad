namespace Risk.Contracts;

/// <summary>One account's rolling risk. Keyed by <see cref="GrainKeys.Account"/>.</summary>
[Alias("risk.IAccountGrain")]
public interface IAccountGrain : IOverridable
{
    [Alias("Observe")]
    Task<AccountStatus> Observe(AccountBatch batch);

    /// <summary>The account's own risk plus what its cluster passes on, with its override.</summary>
    [Alias("GetRisk"), ReadOnly, AlwaysInterleave]
    Task<EntityRisk> GetRisk();

    [Alias("GetVerdict"), ReadOnly, AlwaysInterleave]
    Task<AccountVerdict> GetVerdict();

    [Alias("Explain"), ReadOnly, AlwaysInterleave]
    Task<AccountExplanation> Explain();

    /// <summary>A cluster pushes its risk back when it changed materially.</summary>
    [Alias("ClusterChanged"), OneWay]
    Task ClusterChanged(ClusterRisk risk);

    /// <summary>A content family found the account one of a ring (<see cref="IFamilyGrain"/>).</summary>
    [Alias("RingFound"), OneWay]
    Task RingFound(FamilyRing ring);

    /// <summary>The account's events and decision score per hour of event time, over its latest active hours, oldest first.</summary>
    [Alias("Timeline"), ReadOnly, AlwaysInterleave]
    Task<IReadOnlyList<TimelinePoint>> Timeline();

    /// <summary>Its latest review, kept with its state (written through); null if it was never reviewed.</summary>
    [Alias("Review"), ReadOnly, AlwaysInterleave]
    Task<AccountReview?> Review();

    /// <summary>Keeps an analyst's review with the account; the override it brings is set separately.</summary>
    [Alias("Reviewed"), AdminOnly]
    Task Reviewed(AccountReview review);
}

/// <summary>One hour (event time) of an account: how many events, and its decision score after the hour's last one.</summary>
[GenerateSerializer, Immutable, Alias("risk.timeline-point")]
public sealed record TimelinePoint(
    [property: Id(0)] DateTime Hour,
    [property: Id(1)] int Events,
    [property: Id(2)] double Score);
