using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Risk.Cli.Tests;

/// <summary>A certificate written to disk: its PKCS#12 file (password <see cref="TestCertificates.Password"/>) and fingerprints.</summary>
public sealed record CertificateFile(string Pfx, string Sha256, string Sha1);

/// <summary>
/// Private CAs and certificates made for one test class in a temporary folder, the way docs/SECURITY.md has an
/// operator make them with openssl: a silo's marked serverAuth and clientAuth, a gateway's clientAuth only.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "test-pfx-password";
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public string Folder { get; } = Directory.CreateTempSubdirectory("risk-tls-").FullName;

    public TestCertificates()
    {
        (ClusterCa, ClusterCaPem) = NewCa("cluster-ca", "CN=Risk test cluster CA");
        (StrangerCa, StrangerCaPem) = NewCa("stranger-ca", "CN=Some other CA");
    }

    public X509Certificate2 ClusterCa { get; }
    public string ClusterCaPem { get; }
    public X509Certificate2 StrangerCa { get; }
    public string StrangerCaPem { get; }

    public CertificateFile Silo(string name, X509Certificate2 issuer, int validFromDays = -1, int validToDays = 30) =>
        Leaf(name, issuer, [ServerAuth, ClientAuth], validFromDays, validToDays);

    public CertificateFile Gateway(string name, X509Certificate2 issuer) => Leaf(name, issuer, [ClientAuth], -1, 30);

    /// <summary>Signed by its own key: trusted only where its fingerprint is pinned.</summary>
    public CertificateFile SelfSigned(string name, bool silo, int validFromDays = -1, int validToDays = 30) =>
        Leaf(name, null, silo ? [ServerAuth, ClientAuth] : [ClientAuth], validFromDays, validToDays);

    /// <summary>`--Risk:Tls:…` arguments that give a silo or a client <paramref name="own"/> and trust the CA in <paramref name="caPem"/>.</summary>
    public static string[] Args(CertificateFile own, string? caPem, params string[] pins) =>
    [
        "--Risk:Tls:CertificateFile", own.Pfx, "--Risk:Tls:CertificatePassword", Password,
        .. caPem is null ? [] : new[] { "--Risk:Tls:CaFile", caPem },
        .. pins.SelectMany((pin, i) => new[] { $"--Risk:Tls:AllowedThumbprints:{i}", pin }),
    ];

    private (X509Certificate2, string) NewCa(string file, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(365));
        var pem = Path.Combine(Folder, file + ".pem");
        File.WriteAllText(pem, ca.ExportCertificatePem());
        return (ca, pem);
    }

    private CertificateFile Leaf(string name, X509Certificate2? issuer, Oid[] usages, int validFromDays, int validToDays)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var marks = new OidCollection();
        foreach (var usage in usages) marks.Add(usage);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(marks, false));
        var (from, to) = (DateTimeOffset.UtcNow.AddDays(validFromDays), DateTimeOffset.UtcNow.AddDays(validToDays));
        X509Certificate2 withKey;
        if (issuer is null) withKey = request.CreateSelfSigned(from, to);
        else
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
            using var signed = request.Create(issuer, from, to, RandomNumberGenerator.GetBytes(16));
            withKey = signed.CopyWithPrivateKey(key);
        }
        using (withKey)
        {
            var pfx = Path.Combine(Folder, name + ".pfx");
            File.WriteAllBytes(pfx, withKey.Export(X509ContentType.Pkcs12, Password));
            return new CertificateFile(pfx, withKey.GetCertHashString(HashAlgorithmName.SHA256), withKey.GetCertHashString());
        }
    }

    public void Dispose()
    {
        ClusterCa.Dispose();
        StrangerCa.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
