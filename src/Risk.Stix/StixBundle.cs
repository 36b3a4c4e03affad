using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Risk.Contracts;

namespace Risk.Stix;

/// <summary>One flagged account as the export reads it: where its latest request came from, and when it was flagged.</summary>
public sealed record FlaggedAccount(string Account, string? Ip, string? Proxy, string? Ja4, DateTime FirstFlaggedAt, DateTime LastSeen);

/// <summary>The flagged accounts of one cluster, or one account that has no cluster (<see cref="ClusterId"/> null).</summary>
public sealed record FlaggedCluster(string? ClusterId, IReadOnlyList<FlaggedAccount> Accounts);

/// <summary>
/// The flagged clusters as one STIX 2.1 bundle: per cluster a campaign, an anonymization infrastructure for its
/// proxies, indicators for its IPs, hashed account ids and JA4 fingerprints, the relationships between them, and a
/// sighting per indicator. Every time comes from the accounts' event times, never the wall clock, so an export of
/// unchanged state is the same objects, and an object's modified time moves only when its accounts' does.
/// </summary>
public static class StixBundle
{
    public const string SpecVersion = "2.1";
    public const string MediaType = "application/stix+json;version=2.1";

    /// <summary>Risk itself, which creates every object and sights every indicator.</summary>
    public static readonly string Identity = StixId.For("identity", "risk");

    /// <summary>JA4 has no standard STIX property: an extension adds it to network-traffic.</summary>
    public static readonly string Ja4Extension = StixId.For("extension-definition", "ja4");

    /// <summary>The identity's and the extension's own time: constant, since they never change.</summary>
    private static readonly DateTime Defined = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);

    private enum Kind { Ip, Account, Ja4 }

    public static JsonObject Build(IEnumerable<FlaggedCluster> clusters, AccountDigest digest)
    {
        var objects = new List<JsonObject> { IdentityObject(), Ja4ExtensionObject() };
        var indicators = new Dictionary<string, (JsonObject Object, Seen Seen)>(StringComparer.Ordinal);
        var named = clusters.Where(c => c.Accounts.Count > 0)
            .Select(c => (Key: c.ClusterId ?? $"account-{digest.Of(c.Accounts[0].Account)}", Cluster: c))
            .OrderBy(c => c.Key, StringComparer.Ordinal);
        foreach (var (key, c) in named)
        {
            var accounts = c.Accounts;
            var span = Seen.Of(accounts);
            var title = c.ClusterId is null ? $"Risk account {key[8..24]}" : $"Risk cluster {key}";
            var campaign = Sdo("campaign", key, span);
            campaign["name"] = title;
            campaign["description"] = c.ClusterId is null
                ? "One account flagged (challenge or block) by Risk, linked to no other."
                : $"{accounts.Count} account{(accounts.Count == 1 ? "" : "s")} flagged (challenge or block) by Risk in one cluster: accounts linked by a payment instrument, a network or a creation cohort most of whose traffic is flagged, or shared prompt phrasing.";
            campaign["first_seen"] = Time(span.From);
            campaign["last_seen"] = Time(span.To);
            objects.Add(campaign);
            var campaignId = Id(campaign);

            string? infrastructureId = null;
            var proxied = accounts.Where(a => a.Proxy is not null).ToArray();
            if (proxied.Length > 0)
            {
                var proxySpan = Seen.Of(proxied);
                var infrastructure = Sdo("infrastructure", key, proxySpan);
                infrastructure["name"] = $"Anonymizing proxies of {title}";
                infrastructure["infrastructure_types"] = new JsonArray("anonymization");
                infrastructure["description"] = "Flagged accounts of this cluster came through: " +
                    string.Join(", ", proxied.Select(a => a.Proxy!).Distinct().Order(StringComparer.Ordinal)) + ".";
                infrastructure["first_seen"] = Time(proxySpan.From);
                infrastructure["last_seen"] = Time(proxySpan.To);
                objects.Add(infrastructure);
                infrastructureId = Id(infrastructure);
                objects.Add(Relationship(campaignId, "uses", infrastructureId, proxySpan));
            }

            var byPattern = accounts
                .SelectMany(a => Patterns(a, digest).Select(p => (p.Kind, p.Pattern, Account: a)))
                .GroupBy(p => (p.Kind, p.Pattern))
                .OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Pattern, StringComparer.Ordinal);
            foreach (var group in byPattern)
            {
                var carriers = group.Select(p => p.Account).ToArray();
                var carried = Seen.Of(carriers);
                var indicatorId = StixId.For("indicator", group.Key.Pattern);
                // An IP can sit behind two clusters: one indicator, related to both, valid from the earlier.
                var merged = indicators.TryGetValue(indicatorId, out var known) ? known.Seen.Union(carried) : carried;
                var indicator = known.Object ?? Indicator(group.Key.Kind, group.Key.Pattern);
                indicator["created"] = Time(merged.From);
                indicator["valid_from"] = Time(merged.From);
                indicator["modified"] = Time(merged.To);
                if (known.Object is null) objects.Add(indicator);
                indicators[indicatorId] = (indicator, merged);

                objects.Add(Relationship(indicatorId, "indicates", campaignId, carried));
                if (infrastructureId is not null && group.Key.Kind == Kind.Ip && carriers.Any(a => a.Proxy is not null))
                    objects.Add(Relationship(indicatorId, "indicates", infrastructureId, Seen.Of(carriers.Where(a => a.Proxy is not null))));
                objects.Add(Sighting(indicatorId, campaignId, carriers.Length, carried));
            }
        }
        return new JsonObject
        {
            ["type"] = "bundle",
            // A bundle is a wrapper, not a versioned object: a fresh id each time, as the specification recommends.
            ["id"] = $"bundle--{Guid.NewGuid()}",
            ["objects"] = new JsonArray([.. objects]),
        };
    }

    public static string Write(JsonObject bundle) => bundle.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>
    /// STIX comparison expressions. String literals escape the quote and the backslash. IPs are written in the
    /// canonical form ingest keys them by (an IPv4-mapped IPv6 address as IPv4), so one address is one indicator.
    /// </summary>
    private static IEnumerable<(Kind Kind, string Pattern)> Patterns(FlaggedAccount a, AccountDigest digest)
    {
        if (GrainKeys.NormalizeIp(a.Ip ?? "") is { } ip)
            yield return (Kind.Ip, $"[{(IPAddress.Parse(ip).AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6-addr" : "ipv4-addr")}:value = {Literal(ip)}]");
        yield return (Kind.Account, $"[user-account:user_id = {Literal(digest.Of(a.Account))}]");
        if (a.Ja4 is { Length: > 0 } ja4)
            yield return (Kind.Ja4, $"[network-traffic:extensions.'{Ja4Extension}'.ja4 = {Literal(ja4)}]");
    }

    private static string Literal(string value) => $"'{value.Replace("\\", "\\\\").Replace("'", "\\'")}'";

    private static JsonObject Indicator(Kind kind, string pattern)
    {
        var indicator = Sdo("indicator", pattern, default);
        indicator["name"] = kind switch
        {
            Kind.Ip => "IP address of accounts Risk flagged",
            Kind.Account => "Account Risk flagged (id keyed-hashed, HMAC-SHA256)",
            _ => "JA4 client fingerprint of accounts Risk flagged",
        };
        // An address or a fingerprint may be shared with users who did nothing (a carrier NAT, a common client); an
        // account is the actor itself.
        indicator["indicator_types"] = new JsonArray(kind == Kind.Account ? "malicious-activity" : "anomalous-activity");
        indicator["pattern"] = pattern;
        indicator["pattern_type"] = "stix";
        indicator["pattern_version"] = SpecVersion;
        indicator["valid_from"] = null;
        return indicator;
    }

    private static JsonObject Relationship(string source, string type, string target, Seen span)
    {
        var relationship = Sdo("relationship", $"{source}|{type}|{target}", span);
        relationship["relationship_type"] = type;
        relationship["source_ref"] = source;
        relationship["target_ref"] = target;
        return relationship;
    }

    private static JsonObject Sighting(string indicatorId, string campaignId, int accounts, Seen span)
    {
        var sighting = Sdo("sighting", $"{indicatorId}|{campaignId}", span);
        sighting["first_seen"] = Time(span.From);
        sighting["last_seen"] = Time(span.To);
        // How many of the cluster's flagged accounts were seen with it, at their latest request.
        sighting["count"] = accounts;
        sighting["sighting_of_ref"] = indicatorId;
        sighting["where_sighted_refs"] = new JsonArray(Identity);
        return sighting;
    }

    private static JsonObject IdentityObject()
    {
        var identity = Common("identity", Identity, new Seen(Defined, Defined));
        identity["name"] = "Risk";
        identity["description"] = "Real-time account-risk system guarding a model API against distillation.";
        identity["identity_class"] = "system";
        return identity;
    }

    private static JsonObject Ja4ExtensionObject()
    {
        var extension = Common("extension-definition", Ja4Extension, new Seen(Defined, Defined));
        extension["created_by_ref"] = Identity;
        extension["name"] = "Risk JA4 client fingerprint";
        extension["description"] = "Adds the JA4 TLS client fingerprint to network-traffic objects.";
        extension["schema"] = "Property extension of network-traffic with one property, ja4 (string): the JA4 fingerprint " +
            "(FoxIO) of the TLS ClientHello, as the API gateway measured it, e.g. t13d1516h2_8daaf6152771_b186095e22b6.";
        extension["version"] = "1.0.0";
        extension["extension_types"] = new JsonArray("property-extension");
        return extension;
    }

    private static JsonObject Sdo(string type, string name, Seen span)
    {
        var sdo = Common(type, StixId.For(type, name), span);
        sdo["created_by_ref"] = Identity;
        return sdo;
    }

    private static JsonObject Common(string type, string id, Seen span) => new()
    {
        ["type"] = type,
        ["spec_version"] = SpecVersion,
        ["id"] = id,
        ["created"] = Time(span.From),
        ["modified"] = Time(span.To),
    };

    private static string Id(JsonObject o) => (string)o["id"]!;

    /// <summary>RFC 3339 in UTC with milliseconds, the precision STIX asks of created and modified.</summary>
    public static string Time(DateTime t) =>
        (t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// From the earliest first-flagged time to the latest request of some accounts: an object is created when its
    /// first account was flagged, and modified when its accounts last did something.
    /// </summary>
    private readonly record struct Seen(DateTime From, DateTime To)
    {
        public static Seen Of(IEnumerable<FlaggedAccount> accounts)
        {
            var list = accounts.ToArray();
            var from = list.Min(a => a.FirstFlaggedAt);
            return new Seen(from, Max(from, list.Max(a => a.LastSeen)));
        }

        public Seen Union(Seen other) => new(From < other.From ? From : other.From, Max(To, other.To));

        private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
    }
}
