namespace Risk.Contracts;

/// <summary>
/// The front door for event batches. A stateless worker: it validates a batch, groups it per entity and makes
/// one call per IP, proxy and account, so a grain sees one call per batch rather than one per event.
/// </summary>
[Alias("risk.IIngestGrain")]
public interface IIngestGrain : IGrainWithIntegerKey
{
    /// <summary>Returns once every accepted event has been applied to its grains. Rejections carry row indexes.</summary>
    [Alias("IngestBatch")]
    Task<IngestReceipt> Ingest(EventBatch batch);
}

public static class IngestGrainExtensions
{
    /// <summary>Sends <paramref name="events"/> as one <see cref="EventBatch"/>; rejections carry their indexes in the list.</summary>
    public static Task<IngestReceipt> Ingest(this IIngestGrain grain, IReadOnlyList<RiskEvent> events) =>
        grain.Ingest(EventBatch.Of(events));
}
