namespace Risk.Contracts;

/// <summary>
/// When each model was first seen, by event time (key <see cref="Default"/>). A model first seen well after the
/// system began seeing traffic counts as a launch, and accounts that move to it within hours are early switchers.
/// Model names are caller-supplied text, so a name counts only once <see cref="MinAccounts"/> distinct accounts have
/// used it, and when it was first seen is the median of their first uses: neither fabricated names nor one
/// fabricated timestamp move the catalogue. Bounded: at most <see cref="MaxModels"/> names, and as many candidates.
/// </summary>
[Alias("risk.IModelCatalogGrain")]
public interface IModelCatalogGrain : IGrainWithStringKey
{
    const string Default = "default";
    const int MaxModels = 1024;
    const int MinAccounts = 10;

    /// <summary>Records a batch's models; returns the launch time of those that count as launched.</summary>
    [Alias("Observe")]
    Task<IReadOnlyDictionary<string, DateTime>> Observe(IReadOnlyDictionary<string, ModelSighting> sightings);
}

/// <summary>A model in one batch: its earliest event time there, and up to <see cref="IModelCatalogGrain.MinAccounts"/> distinct accounts that used it.</summary>
[GenerateSerializer, Immutable, Alias("risk.model-sighting")]
public sealed record ModelSighting([property: Id(0)] DateTime FirstSeen, [property: Id(1)] ulong[] Accounts);
