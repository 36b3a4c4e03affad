using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Grains;

public sealed class ShadowReportState
{
    public long ShadowId { get; set; }
    public long Compared { get; set; }
    public List<ShadowPair> Changed { get; set; } = [];
}

/// <summary>
/// The sum of what gateways counted under the latest shadow. Gateways report every few seconds, so it is written
/// behind like the entities; it is a report, not an operator's action.
/// </summary>
public sealed class ShadowReportGrain(
    [PersistentState("shadow", RiskGrainOptions.StorageName)] IPersistentState<ShadowReportState> state,
    IOptions<RiskGrainOptions> options) : WriteBehindGrain<ShadowReportState>(state, options), IShadowReportGrain
{
    public Task Add(long shadowId, ShadowCounts counts)
    {
        if (shadowId < State.ShadowId) return Task.CompletedTask;
        if (shadowId > State.ShadowId) (State.ShadowId, State.Compared, State.Changed) = (shadowId, 0, []);
        State.Compared += counts.Compared;
        foreach (var pair in counts.Changed)
        {
            var at = State.Changed.FindIndex(p => p.Live == pair.Live && p.Candidate == pair.Candidate);
            if (at < 0) State.Changed.Add(pair with { Examples = [.. pair.Examples.Distinct().Take(ShadowCounts.ExamplesPerPair)] });
            else State.Changed[at] = State.Changed[at] with
            {
                Count = State.Changed[at].Count + pair.Count,
                Examples = [.. State.Changed[at].Examples.Concat(pair.Examples).Distinct().Take(ShadowCounts.ExamplesPerPair)],
            };
        }
        MarkDirty();
        return Task.CompletedTask;
    }

    public Task<ShadowCounts> Get(long shadowId) =>
        Task.FromResult(shadowId == State.ShadowId ? new ShadowCounts(State.Compared, [.. State.Changed]) : ShadowCounts.None);
}
