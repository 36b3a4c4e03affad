namespace Risk.Contracts;

/// <summary>
/// The front door for event batches. A stateless worker: it validates a batch, groups it per entity and makes
/// one call per IP, proxy and account, so a grain sees one call per batch rather than one per event.
/// </summary>
[Alias("risk.IIngestGrain")]
public interface IIngestGrain : IGrainWithIntegerKey
{
    /// <summary>Returns once every accepted event has been applied to its grains. Rejections carry row indexes.</summary>
    /// <remarks>
    /// Five minutes rather than Orleans' 30 s: a bulk batch (<c>IngestLanes</c>) on slow storage, where each new
    /// entity reads before it applies, can outlast 30 s (a 60,000-event batch did on Azurite), and the work goes on
    /// in the silo whatever the caller's timer says. A silo that dies fails its calls at once through membership.
    /// </remarks>
    [Alias("IngestBatch"), ResponseTimeout("00:05:00")]
    Task<IngestReceipt> Ingest(EventBatch batch);
}

public static class IngestGrainExtensions
{
    /// <summary>Sends <paramref name="events"/> as one <see cref="EventBatch"/>; rejections carry their indexes in the list.</summary>
    public static Task<IngestReceipt> Ingest(this IIngestGrain grain, IReadOnlyList<RiskEvent> events) =>
        grain.Ingest(EventBatch.Of(events));
}
