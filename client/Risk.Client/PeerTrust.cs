using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;

namespace Risk.Client;

/// <summary>
/// Which remote certificates a silo or a client accepts on the Orleans ports: one that chains to a CA of
/// <see cref="RiskTlsOptions.CaFile"/>, or whose fingerprint is in <see cref="RiskTlsOptions.AllowedThumbprints"/>;
/// in its validity dates either way; and marked (extended key usage) for what the peer does there.
/// The platform's verdict is not consulted: a certificate that some public CA signed proves nothing about membership
/// of this cluster, and peers reach each other by IP address, so there is no host name to match.
/// </summary>
public sealed class PeerTrust
{
    /// <summary>Extended key usage of a TLS server: silos' certificates, which also act as clients toward other silos.</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>Extended key usage of a TLS client: every certificate here, a gateway's only this one.</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection _authorities = [];
    private readonly HashSet<string> _fingerprints;

    public PeerTrust(RiskTlsOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.CaFile))
        {
            _authorities.ImportFromPemFile(options.CaFile);
            if (_authorities.Count == 0)
                throw new InvalidOperationException($"{RiskTlsOptions.Section}:CaFile {options.CaFile} holds no PEM certificate");
        }
        _fingerprints = options.AllowedThumbprints.Select(Normalise).Where(f => f.Length > 0).ToHashSet(StringComparer.Ordinal);
        // Trusting whatever the operating system trusts would let any holder of a public certificate in.
        if (_authorities.Count == 0 && _fingerprints.Count == 0)
            throw new InvalidOperationException($"{RiskTlsOptions.Section}:CertificateFile is set, but neither " +
                $"{RiskTlsOptions.Section}:CaFile nor {RiskTlsOptions.Section}:AllowedThumbprints says which remote certificates to trust");
    }

    /// <summary>Why <paramref name="certificate"/> is refused for <paramref name="usage"/>, or null if it is trusted.</summary>
    /// <param name="presented">The chain TLS built, which carries any intermediate CA certificates the peer sent.</param>
    public string? Refusal(X509Certificate2 certificate, X509Chain? presented, string usage)
    {
        var now = DateTime.UtcNow;
        // Checked here as well as by the chain, because a pinned fingerprint skips the chain.
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            return $"outside its validity dates ({certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u})";
        if (!HasUsage(certificate, usage)) return $"not marked for {UsageName(usage)}";
        if (_fingerprints.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256)) || _fingerprints.Contains(certificate.GetCertHashString()))
            return null;
        if (_authorities.Count == 0) return "its fingerprint is not in AllowedThumbprints";

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        // A private CA publishes no revocation list; rotation and short lifetimes stand in for revocation.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements.Skip(1)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return chain.Build(certificate)
            ? null
            : "not issued by a CA in CaFile (" + string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct()) + ")";
    }

    /// <summary>The check Orleans' TLS runs on each remote certificate; a refusal is logged, since TLS only says the handshake failed.</summary>
    public RemoteCertificateValidator Validator(string usage, ILogger log) => (certificate, chain, _) =>
    {
        if (Refusal(certificate, chain, usage) is not { } reason) return true;
        log.LogWarning("Refused the TLS certificate {Subject} (SHA-256 {Fingerprint}) on an Orleans connection: {Reason}",
            certificate.Subject, certificate.GetCertHashString(HashAlgorithmName.SHA256), reason);
        return false;
    };

    /// <summary>
    /// Orleans' TLS settings for one kind of connection: this process presents <paramref name="local"/>, requires the
    /// remote end to present one, and accepts it only if it is trusted here for <paramref name="remoteUsage"/>.
    /// </summary>
    public TlsOptions ConnectionTls(X509Certificate2 local, string remoteUsage, ILogger log) => new()
    {
        LocalCertificate = local,
        // Outbound: fail rather than connect without a certificate, which a silo would only hang up on.
        ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        RemoteCertificateValidation = Validator(remoteUsage, log),
    };

    /// <summary>Only an explicit mark counts: a certificate without extended key usage would pass for a silo's.</summary>
    public static bool HasUsage(X509Certificate2 certificate, string usage) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == usage));

    public static string UsageName(string usage) => usage switch
    {
        ServerAuth => "serverAuth",
        ClientAuth => "clientAuth",
        _ => usage,
    };

    private static string Normalise(string fingerprint) =>
        new(fingerprint.Where(c => c is not (':' or ' ' or '-')).Select(char.ToUpperInvariant).ToArray());
}
