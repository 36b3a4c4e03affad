using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Risk.Client;

/// <summary>The client side of <see cref="RiskTlsOptions"/>: how a gateway or `risk` connects to silos' gateway ports.</summary>
public static class ClientTls
{
    /// <summary>
    /// With Risk:Tls:CertificateFile set, every connection to a gateway port is TLS: the client presents its certificate
    /// (marked clientAuth) and accepts only a silo's (marked serverAuth) that its own Risk:Tls trusts. Without it, nothing changes.
    /// </summary>
    /// <remarks>
    /// What Orleans' <c>UseTls</c> does, with the options built once the client's services exist, so that a refused
    /// silo certificate is logged with its reason rather than seen only as a gateway that cannot be reached.
    /// </remarks>
    public static IClientBuilder UseRiskTls(this IClientBuilder client, IConfiguration configuration)
    {
        var options = RiskTlsOptions.From(configuration);
        if (!options.Enabled) return client;
        var certificate = options.LoadCertificate(PeerTrust.ClientAuth);
        var trust = new PeerTrust(options);
        client.Services.AddOptions<ClientConnectionOptions>().Configure<ILoggerFactory>((connections, logs) =>
        {
            var log = logs.CreateLogger(typeof(ClientTls).FullName!);
            connections.ConfigureConnection(connection => connection.UseClientTls(trust.ConnectionTls(certificate, PeerTrust.ServerAuth, log)));
        });
        return client;
    }
}
