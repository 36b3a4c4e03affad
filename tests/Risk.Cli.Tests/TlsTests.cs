using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Risk.Client;
using Risk.Contracts;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>
/// One silo process whose Orleans ports require TLS (Risk:Tls). It trusts the test's cluster CA, and by fingerprint a
/// self-signed client certificate and an expired self-signed silo certificate.
/// </summary>
public sealed class TlsSilo : IAsyncLifetime
{
    public TestCertificates Certificates { get; } = new();
    public CertificateFile Certificate { get; }
    public CertificateFile PinnedClient { get; }
    public CertificateFile PinnedExpiredSilo { get; }
    public SiloProcess Silo { get; }

    public TlsSilo()
    {
        Certificate = Certificates.Silo("tls-silo-1", Certificates.ClusterCa);
        PinnedClient = Certificates.SelfSigned("pinned-client", silo: false);
        PinnedExpiredSilo = Certificates.SelfSigned("pinned-expired-silo", silo: true, validFromDays: -10, validToDays: -1);
        Silo = new SiloProcess(["--storage", "memory",
            .. TestCertificates.Args(Certificate, Certificates.ClusterCaPem, PinnedClient.Sha256, PinnedExpiredSilo.Sha256)]);
    }

    /// <summary>Arguments of another silo that presents <paramref name="certificate"/> and trusts the cluster CA.</summary>
    public string[] SiloArgs(CertificateFile certificate) => ["--storage", "memory", .. TestCertificates.Args(certificate, Certificates.ClusterCaPem)];

    public Task InitializeAsync() => Silo.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Certificates.Dispose();
    }
}

public class TlsTests(TlsSilo tls) : IClassFixture<TlsSilo>
{
    private TestCertificates Certificates => tls.Certificates;

    /// <summary>`risk policy show` against the TLS silo; a client that cannot connect gives up after two attempts.</summary>
    private Task<Run> PolicyShow(params string[] tlsArgs) =>
        Programs.Cli(["policy", "show", .. tls.Silo.Target, "--Risk:ConnectAttempts", "2", .. tlsArgs]);

    [Fact]
    public async Task A_client_with_a_certificate_from_the_cluster_CA_gets_decisions_over_TLS()
    {
        var gateway = Certificates.Gateway("tls-gateway", Certificates.ClusterCa);
        var decide = await Programs.Cli(["decide", "--account", "tls/alice", .. tls.Silo.Target, .. TestCertificates.Args(gateway, Certificates.ClusterCaPem)]);
        Assert.True(decide.ExitCode == 0, decide.Stderr);
        Assert.Equal("allow", JsonDocument.Parse(decide.Stdout).RootElement.GetProperty("action").GetString());
        Assert.Contains("require TLS with a trusted certificate", tls.Silo.Log);
    }

    [Fact]
    public async Task A_client_without_TLS_cannot_call_a_silo_that_requires_it()
    {
        var plain = await PolicyShow();
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains("cannot reach the Risk cluster", plain.Stderr);
        Assert.Empty(plain.Stdout);
    }

    [Fact]
    public async Task A_client_whose_certificate_the_silo_does_not_trust_cannot_call()
    {
        var stranger = Certificates.Gateway("stranger-gateway", Certificates.StrangerCa);
        var run = await PolicyShow(TestCertificates.Args(stranger, Certificates.ClusterCaPem));
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        // The silo refused it, and says why; the client's trust of the silo was not what failed.
        await SiloLogShows("Refused the TLS certificate CN=stranger-gateway", "not issued by a CA in CaFile");
    }

    [Fact]
    public async Task A_client_refuses_a_silo_whose_certificate_it_does_not_trust()
    {
        var gateway = Certificates.Gateway("doubting-gateway", Certificates.ClusterCa);
        var run = await PolicyShow(TestCertificates.Args(gateway, Certificates.StrangerCaPem));
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains("Refused the TLS certificate CN=tls-silo-1", run.Stderr);
    }

    [Fact]
    public async Task Pinned_fingerprints_stand_in_for_a_CA_on_both_sides()
    {
        // The silo pins this self-signed certificate by SHA-256; the client pins the silo's by SHA-1, as openssl prints it.
        var sha1 = string.Join(':', tls.Certificate.Sha1.Chunk(2).Select(pair => new string(pair)));
        var run = await PolicyShow(TestCertificates.Args(tls.PinnedClient, caPem: null, sha1));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("settings").ValueKind);
    }

    [Fact]
    public async Task The_silo_port_admits_only_unexpired_silo_certificates_the_cluster_trusts()
    {
        Assert.True(await SiloPortAdmits(Certificates.Silo("tls-silo-probe", Certificates.ClusterCa)));
        // A gateway's certificate (clientAuth only) may call grains on the gateway port, not join as a silo.
        Assert.False(await SiloPortAdmits(Certificates.Gateway("gateway-as-silo", Certificates.ClusterCa)));
        Assert.False(await SiloPortAdmits(Certificates.Silo("expired-silo", Certificates.ClusterCa, validFromDays: -10, validToDays: -1)));
        Assert.False(await SiloPortAdmits(Certificates.Silo("stranger-silo", Certificates.StrangerCa)));
        // A pinned fingerprint does not outlive the certificate.
        Assert.False(await SiloPortAdmits(tls.PinnedExpiredSilo));
        await SiloLogShows("Refused the TLS certificate CN=gateway-as-silo", "not marked for serverAuth");
        await SiloLogShows("Refused the TLS certificate CN=pinned-expired-silo", "outside its validity dates");
    }

    [Fact]
    public async Task Two_silo_processes_with_TLS_form_one_cluster()
    {
        // A cluster of its own: a silo that leaves the class's silo's cluster would be missed there until declared dead.
        var first = new SiloProcess(tls.SiloArgs(Certificates.Silo("tls-primary", Certificates.ClusterCa)));
        var second = new SiloProcess(tls.SiloArgs(Certificates.Silo("tls-secondary", Certificates.ClusterCa)), join: first);
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();

            // An Orleans client of the second silo's gateway, as a .NET gateway embeds it, sees both silos active.
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration["Risk:GatewayPort"] = second.GatewayPort.ToString();
            builder.Configuration["Risk:ClusterId"] = second.ClusterId;
            builder.Configuration["Risk:Tls:CertificateFile"] = Certificates.Gateway("tls-cluster-client", Certificates.ClusterCa).Pfx;
            builder.Configuration["Risk:Tls:CertificatePassword"] = TestCertificates.Password;
            builder.Configuration["Risk:Tls:CaFile"] = Certificates.ClusterCaPem;
            builder.AddRiskClient();
            using var client = builder.Build();
            await client.StartAsync();
            var management = client.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            Dictionary<SiloAddress, SiloStatus> hosts;
            while ((hosts = await management.GetHosts(onlyActive: true)).Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(200);
            Assert.Equal(new[] { first.SiloPort, second.SiloPort }.Order(), hosts.Keys.Select(s => s.Endpoint.Port).Order());
            Assert.Equal(DecisionAction.Allow, (await client.Services.GetRequiredService<RiskClient>().Decide("tls/bob")).Action);
            await client.StopAsync();
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task Embedded_mode_hosts_its_silo_without_the_client_certificate_it_is_given()
    {
        // A gateway's certificate (clientAuth only) in the configuration, as where `risk` is set up to reach a cluster:
        // the embedded silo has no remote peers and must not try to serve with it.
        var events = Path.Combine(Certificates.Folder, "events.jsonl");
        await File.WriteAllTextAsync(events, """{"ts":"2026-03-02T10:15:00Z","account":"tls/embedded","ip":"192.0.2.1","inTokens":10,"outTokens":10,"prompt":"hello"}""" + "\n");
        var gateway = Certificates.Gateway("embedded-gateway", Certificates.ClusterCa);
        var run = await Programs.Cli(["explain", "tls/embedded", "--embedded", "--events", events, "--json", .. TestCertificates.Args(gateway, Certificates.ClusterCaPem)]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(1, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("verdict").GetProperty("events").GetInt32());
    }

    /// <summary>
    /// Opens a TLS connection to the silo port with <paramref name="certificate"/>. A silo that admits it sends its
    /// Orleans preamble at once; one that refused the certificate sends an alert and hangs up.
    /// </summary>
    private async Task<bool> SiloPortAdmits(CertificateFile certificate)
    {
        using var own = X509CertificateLoader.LoadPkcs12FromFile(certificate.Pfx, TestCertificates.Password);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, tls.Silo.SiloPort);
        // What the probe thinks of the silo's certificate is not under test here.
        await using var stream = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = new X509CertificateCollection { own },
            }, timeout.Token);
            return await stream.ReadAsync(new byte[64], timeout.Token) > 0;
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return false;
        }
    }

    /// <summary>The silo's console log is read as it comes, so a line may follow the refusal by a moment.</summary>
    private async Task SiloLogShows(string first, string then)
    {
        bool Shown() => tls.Silo.Log.Split('\n').SkipWhile(line => !line.Contains(first)).Take(2).Any(line => line.Contains(then));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Shown() && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(Shown(), $"the silo's log has no \"{first}\" … \"{then}\":\n{tls.Silo.Log}");
    }
}
