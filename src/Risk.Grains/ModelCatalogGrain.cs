using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Grains;

public sealed class ModelCatalogState
{
    /// <summary>The earliest event time of any traffic: what "well after" is measured from.</summary>
    public DateTime? Epoch { get; set; }
    public Dictionary<string, DateTime> FirstSeen { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One small grain for the whole cluster, called once per ingest batch with the batch's distinct models.
/// A model counts as launched when it was first seen at least a day after the epoch: before that, "first seen"
/// only says when Risk started watching.
/// </summary>
public sealed class ModelCatalogGrain(
    [PersistentState("models", RiskGrainOptions.StorageName)] IPersistentState<ModelCatalogState> state,
    IOptions<RiskGrainOptions> options) : WriteBehindGrain<ModelCatalogState>(state, options), IModelCatalogGrain
{
    public static readonly TimeSpan WatchingSince = TimeSpan.FromDays(1);

    public Task<IReadOnlyDictionary<string, DateTime>> Observe(IReadOnlyDictionary<string, DateTime> firstSeen)
    {
        var launches = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var (model, ts) in firstSeen)
        {
            if (State.Epoch is not { } epoch || ts < epoch) State.Epoch = ts;
            if (State.FirstSeen.TryGetValue(model, out var seen))
            {
                if (ts < seen) State.FirstSeen[model] = seen = ts;
            }
            else if (State.FirstSeen.Count < IModelCatalogGrain.MaxModels)
            {
                State.FirstSeen[model] = seen = ts;
            }
            else continue;
            if (seen - State.Epoch >= WatchingSince) launches[model] = seen;
        }
        MarkDirty();
        return Task.FromResult<IReadOnlyDictionary<string, DateTime>>(launches);
    }
}
