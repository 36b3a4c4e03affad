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
}
