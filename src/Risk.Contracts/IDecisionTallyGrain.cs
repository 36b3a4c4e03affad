namespace Risk.Contracts;

/// <summary>
/// How many decisions of each action every gateway answered, per <see cref="TallyBucket.Width"/> of wall time, over the
/// last <see cref="Kept"/> (key <see cref="IPolicyGrain.Default"/>): the console's chart of decisions by action. Gateways
/// add what they counted since their last report on the same timer as their shadow counts.
/// </summary>
[Alias("risk.IDecisionTallyGrain")]
public interface IDecisionTallyGrain : IGrainWithStringKey
{
    /// <summary>How far back buckets are kept; older ones are dropped as new ones arrive.</summary>
    static readonly TimeSpan Kept = TimeSpan.FromHours(48);

    [Alias("Add"), OneWay]
    Task Add(IReadOnlyList<TallyBucket> buckets);

    /// <summary>The buckets that start within <paramref name="window"/> of now, oldest first; buckets with no decision are left out.</summary>
    [Alias("Get"), ReadOnly, AlwaysInterleave]
    Task<IReadOnlyList<TallyBucket>> Get(TimeSpan window);
}

/// <summary>Decisions answered in the <see cref="Width"/> of wall time that starts at <paramref name="Start"/> (UTC), per action.</summary>
[GenerateSerializer, Immutable, Alias("risk.tally-bucket")]
public sealed record TallyBucket(
    [property: Id(0)] DateTime Start,
    [property: Id(1)] long Allow,
    [property: Id(2)] long Throttle,
    [property: Id(3)] long Challenge,
    [property: Id(4)] long Block)
{
    public static readonly TimeSpan Width = TimeSpan.FromMinutes(5);

    public static DateTime StartOf(DateTime utc) => new(utc.Ticks - utc.Ticks % Width.Ticks, DateTimeKind.Utc);

    public long Total => Allow + Throttle + Challenge + Block;

    public long Of(DecisionAction action) => action switch
    {
        DecisionAction.Allow => Allow,
        DecisionAction.Throttle => Throttle,
        DecisionAction.Challenge => Challenge,
        _ => Block,
    };
}
