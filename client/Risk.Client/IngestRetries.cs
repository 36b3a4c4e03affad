using Risk.Contracts;

namespace Risk.Client;

/// <summary>How often, and how patiently, a batch that did not arrive is sent again.</summary>
/// <param name="Attempts">Sends in all, the first included.</param>
/// <param name="FirstBackoff">The wait before the first retry; each later wait doubles, up to <paramref name="MaxBackoff"/>.</param>
/// <param name="AttemptTimeout">How long one send may take before it counts as failed and is sent again (a minute
/// by default). A call whose silo died may otherwise wait out ingest's own five-minute limit; if it was applied
/// after all, its events' ids make the second send a duplicate.</param>
/// <remarks>
/// The defaults span about 40 seconds of waiting: longer than the cluster takes to declare a killed silo dead and
/// move its grains, so a batch caught by a crash arrives once the survivors have taken over.
/// </remarks>
public sealed record IngestRetryPolicy(int Attempts = 10, TimeSpan? FirstBackoff = null, TimeSpan? MaxBackoff = null, TimeSpan? AttemptTimeout = null)
{
    public static readonly IngestRetryPolicy Default = new();

    public TimeSpan Timeout => AttemptTimeout ?? TimeSpan.FromMinutes(1);

    public TimeSpan Backoff(int retry)
    {
        var first = FirstBackoff ?? TimeSpan.FromMilliseconds(200);
        var max = MaxBackoff ?? TimeSpan.FromSeconds(10);
        var wait = first * Math.Pow(2, Math.Min(retry, 20));
        return wait < max ? wait : max;
    }
}

/// <summary>
/// Sends a batch until it has arrived: the whole batch again when the call failed (a silo died, a connection
/// dropped), and the events that came back "not applied" when it answered. Safe only for events that carry ids,
/// which make a second delivery of an applied event a duplicate rather than a second count; <see cref="WithId"/>
/// stamps them.
/// </summary>
public static class IngestRetries
{
    /// <summary>The reason ingest gives for an event whose account call failed: the event may be sent again.</summary>
    public const string NotApplied = "not applied";

    /// <summary>
    /// The receipt for the whole batch, indexes as in <paramref name="batch"/>: accepted, duplicates, and what was
    /// refused for good. Events still not applied when the attempts run out are refused with the last reason.
    /// </summary>
    /// <param name="onRetry">Told of each retry: its number, how many events it sends, and why (the failure, or null
    /// when events came back not applied).</param>
    public static async Task<IngestReceipt> SendUntilApplied(this RiskClient client, IReadOnlyList<RiskEvent> batch, IngestRetryPolicy? policy = null,
        Action<int, int, Exception?>? onRetry = null, CancellationToken cancellationToken = default)
    {
        policy ??= IngestRetryPolicy.Default;
        var pending = Enumerable.Range(0, batch.Count).ToArray();
        var refused = new List<Rejection>();
        var (accepted, duplicates) = (0, 0);
        for (var attempt = 1; ; attempt++)
        {
            Exception? failure = null;
            IReadOnlyList<Rejection> again = [];
            try
            {
                var receipt = await client.Send(pending.Length == batch.Count ? batch : pending.Select(i => batch[i]).ToArray())
                    .WaitAsync(policy.Timeout, cancellationToken);
                (accepted, duplicates) = (accepted + receipt.Accepted, duplicates + receipt.Duplicates);
                again = receipt.Rejections.Where(r => r.Reason.StartsWith(NotApplied, StringComparison.Ordinal)).ToArray();
                refused.AddRange(receipt.Rejections.Except(again).Select(r => r with { Index = pending[r.Index] }));
                if (again.Count == 0) break;
                pending = again.Select(r => pending[r.Index]).ToArray();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = e;
            }
            if (attempt >= policy.Attempts)
            {
                var why = failure is null ? again[0].Reason : $"{NotApplied}: {failure.GetType().Name} after {attempt} attempts";
                refused.AddRange(pending.Select(i => new Rejection(i, why)));
                break;
            }
            onRetry?.Invoke(attempt, pending.Length, failure);
            await Task.Delay(policy.Backoff(attempt - 1), cancellationToken);
        }
        refused.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new IngestReceipt(accepted, refused, duplicates);
    }

    /// <summary>
    /// Ids for the events that have none, unique to this sender: <paramref name="prefix"/> and a sequence number.
    /// An event that has an id keeps it.
    /// </summary>
    public static RiskEvent WithId(this RiskEvent e, string prefix, long sequence) =>
        e.Id is not null ? e : e with { Id = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}-{sequence:x}") };

    /// <summary>A prefix no other sender will draw: 16 random hex digits.</summary>
    public static string NewSenderPrefix() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
}
