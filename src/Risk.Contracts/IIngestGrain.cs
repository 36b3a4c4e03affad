namespace Risk.Contracts;

/// <summary>
/// The front door for event batches. A stateless worker: it validates a batch, groups it per entity and makes
/// one call per IP, proxy and account, so a grain sees one call per batch rather than one per event.
/// </summary>
[Alias("risk.IIngestGrain")]
public interface IIngestGrain : IGrainWithIntegerKey
{
    /// <summary>Returns once every accepted event has been applied to its grains.</summary>
    [Alias("Ingest")]
    Task<IngestReceipt> Ingest(IReadOnlyList<RiskEvent> batch);
}
