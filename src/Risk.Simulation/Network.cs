using System.Net;

namespace Risk.Simulation;

internal enum NetworkKind { Residential, Mobile, Datacenter, Cloud, Campus, Business }

/// <summary>An autonomous system with the address space the simulator hands out from it.</summary>
internal sealed record AutonomousSystem(int Number, NetworkKind Kind, IReadOnlyList<(int A, int B)> V4Slash16s, string V6Slash32);

/// <summary>Where a request appears to come from: the address the gateway saw and its ASN.</summary>
internal readonly record struct Egress(string Ip, int Asn);

/// <summary>
/// An identified intermediary. Pass-through relays (CONNECT tunnels, campus NAT) leave the client's own TLS
/// fingerprint visible; terminating ones (cloud relays, TLS-inspecting corporate proxies) replace it with theirs.
/// </summary>
internal sealed record Intermediary(string Name, IReadOnlyList<Egress> Pool, string? Ja4)
{
    public string Ja4For(string clientJa4) => Ja4 ?? clientJa4;
}

/// <summary>
/// The address plan of the simulated internet. Allocations are unique across cohorts, so two cohorts share an
/// address only when the scenario means them to (a relay pool, a NAT gateway), never by accident.
/// </summary>
internal sealed class AddressBook
{
    private readonly HashSet<string> _used = [];
    private readonly HashSet<(int, int, int)> _blocks = [];

    public Egress NewV4(Random rng, AutonomousSystem asn)
    {
        while (true)
        {
            var (a, b) = rng.Pick(asn.V4Slash16s);
            var c = rng.Next(256);
            if (_blocks.Contains((a, b, c))) continue;
            var ip = $"{a}.{b}.{c}.{rng.Between(1, 254)}";
            if (_used.Add(ip)) return new Egress(ip, asn.Number);
        }
    }

    /// <summary>A whole /24 reserved for one tenant, as a rented datacenter range is.</summary>
    public (int A, int B, int C) NewSlash24(Random rng, AutonomousSystem asn)
    {
        while (true)
        {
            var (a, b) = rng.Pick(asn.V4Slash16s);
            var c = rng.Next(256);
            if (_blocks.Add((a, b, c))) return (a, b, c);
        }
    }

    /// <summary>A home /64: privacy extensions give the device a fresh interface id every day or so.</summary>
    public string NewV6Slash64(Random rng, AutonomousSystem asn) =>
        $"{asn.V6Slash32}:{rng.Next(1, 0x10000):x}:{rng.Next(0x10000):x}";

    public static string V6InSlash64(Random rng, string slash64) =>
        Canonical($"{slash64}:{rng.Next(0x10000):x}:{rng.Next(0x10000):x}:{rng.Next(0x10000):x}:{rng.Next(1, 0x10000):x}");

    public Egress Claim(string ip, int asn)
    {
        _used.Add(ip);
        return new Egress(ip, asn);
    }

    /// <summary>RFC 5952 text, the form the silo normalises to, so the file and the grain keys agree.</summary>
    public static string Canonical(string ip) => IPAddress.Parse(ip).ToString();
}

/// <summary>
/// JA4 TLS client fingerprints. The official SDK's is carried by a large share of all legitimate traffic, which
/// is why the hydra hides behind it; the others are browsers, HTTP libraries and the relays' own clients.
/// </summary>
internal static class Fingerprints
{
    public const string OfficialPythonSdk = "t13d1516h2_8daaf6152771_e5627efa2ab1";
    public const string OfficialNodeSdk = "t13d1517h2_8daaf6152771_b0da82dd1658";
    public const string Chrome = "t13d1516h2_8daaf6152771_02713d6af862";
    public const string Safari = "t13d2014h2_a09f3c656075_14788d8d241b";
    public const string Firefox = "t13d1715h2_5b57614c22b0_3d5424432f57";
    public const string IosApp = "t13d2013h2_a09f3c656075_e42f34c56612";
    public const string AndroidOkHttp = "t13d1613h2_46e7e9700bed_45f260be83e2";
    public const string Curl = "t13d3112h2_e8f1e7e78f70_6bebaf5329ac";
    public const string PythonRequests = "t13d1812h1_85036bcba153_b26ce05bbdd6";
    public const string GoHttp = "t13d1311h2_f57a46bbacb6_d6ba8f4e4d65";
    public const string JavaHttp = "t13d1614h2_2a284e3b0c56_9b02fa5d2e0c";

    // Clients that only an operation uses: rare in benign traffic, so sharing one is a strong link.
    public const string HydraWorkerA = "t13d1011h2_b0c5e7a1d3f2_a7c1e90d44b3";
    public const string HydraWorkerB = "t13d0912h1_7e3f0c2b9a41_c25d8e1f0a67";
    public const string LockstepBot = "t13d1209h2_3c9e51a7d0b8_f14a6b2e9c05";

    // The relays' and gateways' own clients, seen for everyone behind a terminating intermediary.
    public const string CloudRelayA = "t13d1413h2_c0ffee12ab34_5e6f7a8b9c0d";
    public const string CloudRelayB = "t13d1413h2_9b8a7c6d5e4f_0a1b2c3d4e5f";
    public const string AgentCoBackend = "t13d1516h2_8daaf6152771_77d3a1c0e9b2";
    public const string CorporateProxy = "t13d1210h2_1f2e3d4c5b6a_8e9d0c1b2a39";

    /// <summary>What ordinary developers and chat users connect with.</summary>
    public static readonly (string, double)[] BenignMix =
    [
        (OfficialPythonSdk, 34), (OfficialNodeSdk, 14), (Chrome, 15), (Safari, 7), (Firefox, 5),
        (Curl, 4), (PythonRequests, 9), (GoHttp, 5), (JavaHttp, 4), (IosApp, 2), (AndroidOkHttp, 1),
    ];

    public static readonly (string, double)[] MobileMix =
        [(IosApp, 45), (AndroidOkHttp, 35), (Safari, 10), (Chrome, 10)];

    public static readonly (string, double)[] StudentMix =
        [(Chrome, 38), (Safari, 18), (Firefox, 10), (OfficialPythonSdk, 26), (Curl, 3), (PythonRequests, 5)];

    public static readonly (string, double)[] ScriptMix =
        [(OfficialPythonSdk, 45), (PythonRequests, 20), (GoHttp, 15), (OfficialNodeSdk, 12), (JavaHttp, 8)];
}
