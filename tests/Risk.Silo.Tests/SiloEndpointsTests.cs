using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using static Risk.Silo.SiloEndpoints;

namespace Risk.Silo.Tests;

/// <summary>
/// Which address a silo advertises and where it listens, read from the options the silo's own registrations produce
/// (the host is built, never started: nothing connects anywhere).
/// </summary>
public class SiloEndpointsTests
{
    private static EndpointOptions Endpoints(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddRiskSilo();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
    }

    private static readonly (string, string)[] Azure =
        [("Risk:Clustering", "azure"), ("Risk:AzureConnectionString", "UseDevelopmentStorage=true"), ("Risk:SiloPort", "12111"), ("Risk:GatewayPort", "31000")];

    [Fact]
    public void Localhost_clustering_stays_on_loopback_whatever_is_advertised()
    {
        var endpoints = Endpoints(("Risk:AdvertisedAddress", "192.0.2.10"), ("Risk:ListenAddress", "0.0.0.0"));
        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        Assert.Null(endpoints.SiloListeningEndpoint);
    }

    [Fact]
    public void Azure_clustering_advertises_the_address_it_is_given_and_listens_there()
    {
        var endpoints = Endpoints([.. Azure, ("Risk:AdvertisedAddress", "192.0.2.10")]);
        Assert.Equal(IPAddress.Parse("192.0.2.10"), endpoints.AdvertisedIPAddress);
        Assert.Equal((12111, 31000), (endpoints.SiloPort, endpoints.GatewayPort));
        // Unset listening endpoints mean the advertised address itself.
        Assert.Null(endpoints.SiloListeningEndpoint);
        Assert.Null(endpoints.GatewayListeningEndpoint);
    }

    [Fact]
    public void A_listen_address_binds_both_ports_apart_from_the_advertised_one()
    {
        var endpoints = Endpoints([.. Azure, ("Risk:AdvertisedAddress", "203.0.113.7"), ("Risk:ListenAddress", "0.0.0.0")]);
        Assert.Equal(IPAddress.Parse("203.0.113.7"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 12111), endpoints.SiloListeningEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 31000), endpoints.GatewayListeningEndpoint);
    }

    [Fact]
    public void Azure_clustering_advertises_the_hosts_own_address_by_default()
    {
        var endpoints = Endpoints(Azure);
        var own = NetworkInterface.GetAllNetworkInterfaces().Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)).ToList();
        if (own.Count == 0) Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        else Assert.Contains(endpoints.AdvertisedIPAddress, own);
    }

    [Fact]
    public void In_Kubernetes_the_silo_advertises_the_pod_IP_and_listens_on_every_address()
    {
        var endpoints = Endpoints([.. Azure, ("Risk:Kubernetes", "true"), (PodIp, "10.244.1.17")]);
        Assert.Equal(IPAddress.Parse("10.244.1.17"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 12111), endpoints.SiloListeningEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 31000), endpoints.GatewayListeningEndpoint);
    }

    [Fact]
    public void Kubernetes_is_detected_from_its_service_variable_unless_turned_off()
    {
        IConfiguration Config(params (string, string)[] settings) =>
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Item1, (string?)s.Item2))).Build();
        Assert.False(InKubernetes(new RiskHostOptions(), Config()));
        Assert.True(InKubernetes(new RiskHostOptions(), Config((KubernetesServiceHost, "10.96.0.1"))));
        Assert.False(InKubernetes(new RiskHostOptions { Kubernetes = false }, Config((KubernetesServiceHost, "10.96.0.1"))));
        Assert.True(InKubernetes(new RiskHostOptions { Kubernetes = true }, Config()));
    }

    [Fact]
    public void Kubernetes_hosting_without_a_membership_table_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Endpoints(("Risk:Kubernetes", "true")));
        Assert.Contains("Risk:Clustering", e.Message);
    }

    [Fact]
    public void An_advertised_address_that_is_not_an_IP_address_is_refused_by_name()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Endpoints([.. Azure, ("Risk:AdvertisedAddress", "silo-1.example")]));
        Assert.Contains("Risk:AdvertisedAddress", e.Message);
    }

    [Fact]
    public void The_host_address_is_a_routed_IPv4_address_before_bridges_link_local_and_loopback()
    {
        Candidate C(string address, bool gateway) => new(IPAddress.Parse(address), gateway);
        Assert.Equal(IPAddress.Parse("10.0.4.20"), HostAddress(
        [
            C("127.0.0.1", false), C("169.254.10.1", true), C("fe80::1", true), C("172.17.0.1", false), C("10.0.4.20", true), C("10.0.4.30", true),
        ]));
        // Without a gateway anywhere, the lowest address still beats loopback; with no address at all, loopback.
        Assert.Equal(IPAddress.Parse("172.17.0.1"), HostAddress([C("192.168.5.5", false), C("172.17.0.1", false)]));
        Assert.Equal(IPAddress.Loopback, HostAddress([C("127.0.0.1", false), C("169.254.1.1", false), C("::1", false)]));
    }
}
