using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Risk.Client;

namespace Risk.Silo.Auth;

/// <summary>The silo side of <see cref="RiskTlsOptions"/> (section "Risk:Tls"; docs/SECURITY.md).</summary>
public static class OrleansTls
{
    /// <summary>
    /// With Risk:Tls:CertificateFile set, the silo port and the gateway port take TLS only, from peers that present a
    /// certificate this silo trusts, and the silo's own connections to other silos are TLS the same way (mutual TLS).
    /// The silo port wants a silo's certificate (marked serverAuth); the gateway port takes a client's (clientAuth), so
    /// a gateway's certificate lets it call grains but not join the cluster as a silo.
    /// Without a certificate the ports stay plaintext, and the silo says so once at start.
    /// </summary>
    /// <remarks>
    /// Orleans' <c>UseTls</c> gives all three kinds of connection one set of options; here each gets its own, so that the
    /// two ports can want different certificates. The middleware is the same.
    /// </remarks>
    public static ISiloBuilder AddRiskTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = RiskTlsOptions.From(configuration);
        var certificate = options.Enabled ? options.LoadCertificate(PeerTrust.ServerAuth, PeerTrust.ClientAuth) : null;
        silo.Services.AddHostedService(sp => new PortsNotice(
            certificate, sp.GetRequiredService<IOptions<EndpointOptions>>().Value, sp.GetRequiredService<ILogger<PortsNotice>>()));
        if (certificate is null) return silo;
        var trust = new PeerTrust(options);
        silo.Services.AddOptions<SiloConnectionOptions>().Configure<ILoggerFactory>((connections, logs) =>
        {
            var log = logs.CreateLogger(typeof(OrleansTls).FullName!);
            connections.ConfigureSiloInboundConnection(c => c.UseServerTls(trust.ConnectionTls(certificate, PeerTrust.ServerAuth, log)));
            connections.ConfigureSiloOutboundConnection(c => c.UseClientTls(trust.ConnectionTls(certificate, PeerTrust.ServerAuth, log)));
            connections.ConfigureGatewayInboundConnection(c => c.UseServerTls(trust.ConnectionTls(certificate, PeerTrust.ClientAuth, log)));
        });
        return silo;
    }

    /// <summary>One line at start: what guards the Orleans ports. Plaintext off loopback is a warning.</summary>
    internal sealed class PortsNotice(X509Certificate2? certificate, EndpointOptions endpoints, ILogger<PortsNotice> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (certificate is not null)
            {
                log.LogInformation("Orleans silo port {SiloPort} and gateway port {GatewayPort} require TLS with a trusted certificate; " +
                    "this silo presents {Subject} (SHA-256 {Fingerprint}), valid until {NotAfter:u}",
                    endpoints.SiloPort, endpoints.GatewayPort, certificate.Subject,
                    certificate.GetCertHashString(HashAlgorithmName.SHA256), certificate.NotAfter.ToUniversalTime());
                return Task.CompletedTask;
            }
            var addresses = new[] { endpoints.SiloListeningEndpoint?.Address, endpoints.GatewayListeningEndpoint?.Address }
                .Select(a => a ?? endpoints.AdvertisedIPAddress).Distinct().ToArray();
            log.Log(addresses.All(IPAddress.IsLoopback) ? LogLevel.Information : LogLevel.Warning,
                "Orleans silo port {SiloPort} and gateway port {GatewayPort} on {Addresses} are not encrypted, and any process " +
                "that reaches them can join or call the cluster; set Risk:Tls to require certificates (docs/SECURITY.md)",
                endpoints.SiloPort, endpoints.GatewayPort, string.Join(", ", addresses.Select(a => a.ToString())));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
