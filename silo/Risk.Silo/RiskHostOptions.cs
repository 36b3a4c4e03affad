namespace Risk.Silo;

/// <summary>Where a silo keeps its state and how it finds its cluster (configuration section "Risk").</summary>
public sealed class RiskHostOptions
{
    public const string Section = "Risk";

    /// <summary>memory (embedded default), azurite (local Azure Table) or azure (a real storage account).</summary>
    public StorageKind Storage { get; set; } = StorageKind.Memory;

    /// <summary>localhost (one machine, default) or azure (membership in Azure Table: several silo processes).</summary>
    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>Required for azure storage; with azurite, an Azurite on other ports (else the development storage account).</summary>
    public string? AzureConnectionString { get; set; }

    public string ClusterId { get; set; } = "risk";
    public string ServiceId { get; set; } = "risk";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>With localhost clustering, the silo port of the first silo, which the others join.</summary>
    public int PrimarySiloPort { get; set; } = 11111;

    /// <summary>
    /// With azure clustering, the IP address this silo gives the cluster, which other silos and clients connect to
    /// (--advertise). Unset: the host's address (<see cref="SiloEndpoints.HostAddress"/>), or in Kubernetes the pod IP.
    /// Localhost clustering is always loopback.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// With azure clustering, the IP address the silo and gateway ports bind (--listen); 0.0.0.0 for every address,
    /// as behind NAT or a container's port mapping, where the advertised address is not this host's own. Unset: the
    /// advertised address, or in Kubernetes every address of the pod.
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>
    /// Whether the silo runs in a Kubernetes pod and takes its identity from it (Microsoft.Orleans.Hosting.Kubernetes).
    /// Unset: yes when KUBERNETES_SERVICE_HOST is set, as in every pod. Needs azure clustering.
    /// </summary>
    public bool? Kubernetes { get; set; }

    public string TableName { get; set; } = "RiskState";

    /// <summary>
    /// Whether the silo host serves the Orleans Dashboard at /dashboard, for admin keys only (see
    /// <see cref="Apis.DashboardApi"/>). Off by default: it holds its whole UI in memory, reads the silo's runtime
    /// statistics every second and puts a filter on every grain call, whether anyone looks or not. Set it on every
    /// silo or on none: the dashboard asks each silo for its figures.
    /// </summary>
    public bool Dashboard { get; set; }

    /// <summary>all (default), entities, or decisions: which grains this silo hosts (see <see cref="SiloRole"/>).</summary>
    public SiloRole Role { get; set; } = SiloRole.All;

    /// <summary>
    /// Azure storage needs its connection string; with Azurite (or memory storage and azure clustering) it is optional, and
    /// names an Azurite on other ports than the emulator's defaults, as when several run on one machine.
    /// </summary>
    public string ConnectionString => Storage == StorageKind.Azure
        ? AzureConnectionString ?? throw new InvalidOperationException("Risk:AzureConnectionString is required for azure storage")
        : AzureConnectionString ?? AzuriteConnectionString;

    public const string AzuriteConnectionString = "UseDevelopmentStorage=true";
}

public enum StorageKind { Memory, Azurite, Azure }

public enum ClusteringKind { Localhost, Azure }

/// <summary>
/// Which grains a silo hosts. Decisions silos serve gateways' decision reads from replicas, away from the heap that
/// ingest churns; entities silos hold accounts, networks, clusters and ingest. A cluster needs both kinds, or all.
/// </summary>
public enum SiloRole { All, Entities, Decisions }
