namespace Risk.Contracts;

/// <summary>
/// A creation cohort: the accounts opened in one week, on one tier, whose latest requests carry one client
/// fingerprint. Operations register their accounts in batches and run them from one client; once most of a
/// cohort is flagged, it links the clusters of its flagged and suspect members, as an IP or proxy whose traffic
/// is mostly flagged does. Members report on material change, one-way.
/// </summary>
[Alias("risk.ICohortGrain")]
public interface ICohortGrain : IGrainWithStringKey
{
    [Alias("Report"), OneWay]
    Task Report(CohortReport report);
}
