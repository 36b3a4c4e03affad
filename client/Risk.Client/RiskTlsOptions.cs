using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Risk.Client;

/// <summary>
/// TLS on the Orleans ports (configuration section "Risk:Tls"), read alike by silos and by clients (gateways, `risk`).
/// With <see cref="CertificateFile"/> set, every connection on the silo and gateway ports is TLS and both ends
/// present a certificate that the other must trust; without it, the ports speak plaintext as before.
/// </summary>
public sealed class RiskTlsOptions
{
    public const string Section = "Risk:Tls";

    /// <summary>This process's own certificate and private key, as PKCS#12 (.pfx).</summary>
    public string? CertificateFile { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>PEM file of one or more CA certificates: a remote certificate that chains to one of them is trusted.</summary>
    public string? CaFile { get; set; }

    /// <summary>Remote certificates trusted by their SHA-256 or SHA-1 fingerprint (hex; colons and spaces are ignored).</summary>
    public List<string> AllowedThumbprints { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile);

    public static RiskTlsOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<RiskTlsOptions>() ?? new();

    /// <summary>
    /// Loads <see cref="CertificateFile"/> and refuses, at start rather than at the first connection, one that peers
    /// would refuse anyway: no private key, out of its validity dates, or not marked for each of <paramref name="usages"/>.
    /// </summary>
    public X509Certificate2 LoadCertificate(params string[] usages)
    {
        var path = CertificateFile ?? throw new InvalidOperationException($"{Section}:CertificateFile is not set");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword);
        }
        catch (CryptographicException e)
        {
            // .NET's message (a wrong password, say) names neither the file nor the setting.
            throw new InvalidOperationException($"{Section}:CertificateFile {path} cannot be read: {e.Message}", e);
        }
        var now = DateTime.UtcNow;
        var problem =
            !certificate.HasPrivateKey ? "has no private key" :
            now < certificate.NotBefore.ToUniversalTime() ? $"is not valid before {certificate.NotBefore.ToUniversalTime():u}" :
            now > certificate.NotAfter.ToUniversalTime() ? $"expired at {certificate.NotAfter.ToUniversalTime():u}" :
            usages.FirstOrDefault(u => !PeerTrust.HasUsage(certificate, u)) is { } missing ? $"is not marked for {PeerTrust.UsageName(missing)} (extended key usage)" :
            null;
        if (problem is not null)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{Section}:CertificateFile {path} {problem}");
        }
        return certificate;
    }
}
