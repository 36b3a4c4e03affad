using Microsoft.Extensions.Options;

namespace Risk.Grains;

/// <summary>
/// The silo-wide cap on the grain calls that ingest has in flight, over every batch from every client at once
/// (<see cref="RiskGrainOptions.IngestConcurrency"/>). It bounds activation storms: a burst of new accounts
/// reads storage for each, and without a cap many batches at once would start thousands of reads together.
/// </summary>
public sealed class IngestSlots(IOptions<RiskGrainOptions> options)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.IngestConcurrency));

    public int Capacity { get; } = Math.Max(1, options.Value.IngestConcurrency);

    /// <summary>Runs <paramref name="call"/> on every item, at most <see cref="Capacity"/> calls at a time silo-wide.</summary>
    public Task ForEach<T>(IReadOnlyList<T> items, Func<T, Task> call)
    {
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
            {
                await _slots.WaitAsync();
                try { await call(items[i]); }
                finally { _slots.Release(); }
            }
        }
        var workers = new Task[Math.Min(Capacity, items.Count)];
        for (var w = 0; w < workers.Length; w++) workers[w] = Worker();
        return Task.WhenAll(workers);
    }
}
