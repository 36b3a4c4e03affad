namespace Risk.Contracts;

/// <summary>
/// When each model was first seen, by event time (key <see cref="Default"/>). A model first seen well after the
/// system began seeing traffic counts as a launch, and accounts that move to it within hours are early switchers.
/// Bounded: past <see cref="MaxModels"/> names (model is caller-supplied text) new names are not tracked.
/// </summary>
[Alias("risk.IModelCatalogGrain")]
public interface IModelCatalogGrain : IGrainWithStringKey
{
    const string Default = "default";
    const int MaxModels = 1024;

    /// <summary>Records the earliest time each model was seen in a batch; returns the launch time of those that count as launched.</summary>
    [Alias("Observe")]
    Task<IReadOnlyDictionary<string, DateTime>> Observe(IReadOnlyDictionary<string, DateTime> firstSeen);
}
