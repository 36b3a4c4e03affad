using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Azure.Data.Tables;
using Orleans.Configuration;

namespace Risk.Silo;

/// <summary>
/// How a silo finds its cluster and what address it gives the others: localhost clustering on loopback for one host,
/// Azure Table membership for several, and inside a Kubernetes pod the pod's own name and IP.
/// </summary>
public static class SiloEndpoints
{
    /// <summary>Set in every container that Kubernetes starts, so its presence says the silo runs in a pod.</summary>
    public const string KubernetesServiceHost = "KUBERNETES_SERVICE_HOST";

    /// <summary>The pod's IP, which the manifest passes from the downward API (status.podIP).</summary>
    public const string PodIp = "POD_IP";

    public static ISiloBuilder UseRiskClustering(this ISiloBuilder silo, RiskHostOptions options, IConfiguration configuration)
    {
        var kubernetes = InKubernetes(options, configuration);
        if (options.Clustering == ClusteringKind.Localhost)
        {
            // Every silo of a localhost cluster is on this host: the addresses are loopback whatever else is set.
            if (options.Kubernetes == true)
                throw new InvalidOperationException("Risk:Kubernetes needs a membership table: set Risk:Clustering to azure");
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort));
            return silo;
        }

        silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(options.ConnectionString));
        var advertised = Parse(options.AdvertisedAddress, "Risk:AdvertisedAddress");
        var listen = Parse(options.ListenAddress, "Risk:ListenAddress");
        if (kubernetes)
        {
            // POD_NAME and POD_NAMESPACE (downward API) name the silo, and ORLEANS_SERVICE_ID / ORLEANS_CLUSTER_ID
            // override Risk:ServiceId / Risk:ClusterId. A silo whose pod is gone is declared dead at once instead of
            // after missed probes; a silo declared dead that hangs on has its pod deleted, and its Deployment starts
            // another. The ports listen on every address of the pod unless told otherwise.
            silo.UseKubernetesHosting(o => o.Configure(k => k.DeleteDefunctSiloPods = true));
            // The package advertises POD_IP only when nothing else has chosen an address by then, and Orleans' own
            // default (an interface address) is applied first; so the pod IP is set here, where it is sure to hold.
            advertised ??= Parse(configuration[PodIp], PodIp);
            silo.Configure<EndpointOptions>(o =>
            {
                (o.SiloPort, o.GatewayPort) = (options.SiloPort, options.GatewayPort);
                if (advertised is not null) o.AdvertisedIPAddress = advertised;
                if (listen is not null) Listen(o, listen);
            });
            return silo;
        }

        advertised ??= HostAddress(NetworkInterface.GetAllNetworkInterfaces().SelectMany(Candidates));
        silo.Configure<EndpointOptions>(o =>
        {
            (o.AdvertisedIPAddress, o.SiloPort, o.GatewayPort) = (advertised, options.SiloPort, options.GatewayPort);
            // Unset, Orleans listens on the advertised address itself.
            if (listen is not null) Listen(o, listen);
        });
        return silo;
    }

    /// <summary>Explicit Risk:Kubernetes wins; otherwise the variable that Kubernetes sets in every container decides.</summary>
    public static bool InKubernetes(RiskHostOptions options, IConfiguration configuration) =>
        options.Kubernetes ?? !string.IsNullOrEmpty(configuration[KubernetesServiceHost]);

    /// <summary>One IPv4 address of an interface that is up, and whether that interface has a default gateway.</summary>
    public readonly record struct Candidate(IPAddress Address, bool HasGateway);

    /// <summary>
    /// The address other hosts can most likely reach this one at: an IPv4 address that is neither loopback nor
    /// link-local (169.254/16, which does not cross routers), on an interface with a default gateway first (so a
    /// container bridge such as docker0 loses to the host's own network), the lowest such address for the same choice
    /// on every start. Loopback when there is none, which keeps a host without a network working on its own.
    /// </summary>
    public static IPAddress HostAddress(IEnumerable<Candidate> candidates) =>
        candidates
            .Where(c => c.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(c.Address) && !IsLinkLocal(c.Address))
            .OrderByDescending(c => c.HasGateway)
            .ThenBy(c => c.Address.GetAddressBytes(), ByteOrder.Instance)
            .Select(c => c.Address)
            .FirstOrDefault() ?? IPAddress.Loopback;

    private static IEnumerable<Candidate> Candidates(NetworkInterface nic)
    {
        if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback) return [];
        var properties = nic.GetIPProperties();
        var gateway = properties.GatewayAddresses.Any(g => g.Address.AddressFamily == AddressFamily.InterNetwork && !g.Address.Equals(IPAddress.Any));
        return properties.UnicastAddresses.Select(u => new Candidate(u.Address, gateway));
    }

    private static bool IsLinkLocal(IPAddress address) => address.GetAddressBytes() is [169, 254, _, _];

    private static void Listen(EndpointOptions o, IPAddress listen)
    {
        o.SiloListeningEndpoint = new IPEndPoint(listen, o.SiloPort);
        o.GatewayListeningEndpoint = new IPEndPoint(listen, o.GatewayPort);
    }

    private static IPAddress? Parse(string? value, string key) =>
        string.IsNullOrWhiteSpace(value) ? null
        : IPAddress.TryParse(value.Trim(), out var address) ? address
        : throw new InvalidOperationException($"{key} must be an IP address, not '{value}'");

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
