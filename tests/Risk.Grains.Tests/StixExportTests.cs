using System.Text.Json;
using System.Text.Json.Nodes;
using Risk.Contracts;
using Risk.Stix;
using Risk.Tests.Shared;

namespace Risk.Grains.Tests;

/// <summary>The STIX bundle of what real ingest flagged: a hydra behind a proxy, and an account with no cluster.</summary>
public class StixExportTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IAsyncLifetime
{
    private const string Ja4 = "t13d1516h2_8daaf6152771_b186095e22b6";
    private static readonly string[] Hydra = [.. Enumerable.Range(0, 6).Select(m => $"stix-hydra-{m}")];
    private static readonly string[] Ips = ["203.0.113.71", "203.0.113.72", "2001:db8::71"];
    private static readonly AccountDigest Digest = new("a-deployment-secret-for-tests");
    private IIngestGrain Ingest => fixture.Grains.GetGrain<IIngestGrain>(0);
    private IWatchlistGrain Watchlist => fixture.Grains.GetGrain<IWatchlistGrain>(IWatchlistGrain.Default);

    public async Task InitializeAsync()
    {
        if ((await Watchlist.Flagged(100)).Count >= Hydra.Length + 1) return;
        for (var chunk = 0; chunk < 4; chunk++)
        {
            var events = Hydra.SelectMany((account, m) => Enumerable.Range(chunk * 50, 50).Select(i =>
                Traffic.Extraction(account, i, ip: Ips[m % Ips.Length], proxy: "relay:stix-hydra", payment: "card-stix-hydra") with { Ja4 = Ja4 }));
            var lone = Enumerable.Range(chunk * 50, 50).Select(i => Traffic.Extraction("stix-lone", i, ip: "198.51.100.99") with { Payment = null });
            await Ingest.Ingest([.. events, .. lone]);
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await Watchlist.Flagged(100)).Count < Hydra.Length + 1 && DateTime.UtcNow < deadline) await Task.Delay(100);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonElement> Export(AccountDigest? digest = null) =>
        JsonDocument.Parse(await StixExport.Export(fixture.Grains, digest ?? Digest)).RootElement;

    private static IEnumerable<JsonElement> Objects(JsonElement bundle, string type) =>
        bundle.GetProperty("objects").EnumerateArray().Where(o => o.GetProperty("type").GetString() == type);

    private static string S(JsonElement o, string name) => o.GetProperty(name).GetString()!;

    [Fact]
    public async Task The_bundle_keeps_the_STIX_2_1_rules()
    {
        var bundle = await Export();
        var problems = StixRules.Check(bundle);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task A_hydra_behind_a_proxy_is_one_campaign_using_an_anonymization_infrastructure_with_its_indicators_and_sightings()
    {
        var bundle = await Export();
        var flagged = await Watchlist.Flagged(100);
        Assert.All(Hydra, a => Assert.Contains(flagged, w => w.Account == a));
        var cluster = Assert.Single(flagged.Where(w => Hydra.Contains(w.Account)).Select(w => w.Cluster).Distinct());
        Assert.NotNull(cluster);

        var campaign = Assert.Single(Objects(bundle, "campaign"), c => S(c, "name") == $"Risk cluster {cluster}");
        var infrastructure = Assert.Single(Objects(bundle, "infrastructure"));
        Assert.Equal(["anonymization"], infrastructure.GetProperty("infrastructure_types").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("relay:stix-hydra", S(infrastructure, "description"));
        var relationships = Objects(bundle, "relationship").Select(r => (S(r, "source_ref"), S(r, "relationship_type"), S(r, "target_ref"))).ToArray();
        Assert.Contains((S(campaign, "id"), "uses", S(infrastructure, "id")), relationships);

        var indicators = Objects(bundle, "indicator").ToDictionary(i => S(i, "pattern"), i => S(i, "id"));
        var expected = Hydra.Select(a => $"[user-account:user_id = '{Digest.Of(a)}']")
            .Concat(["[ipv4-addr:value = '203.0.113.71']", "[ipv4-addr:value = '203.0.113.72']", "[ipv6-addr:value = '2001:db8::71']"])
            .Append($"[network-traffic:extensions.'{StixBundle.Ja4Extension}'.ja4 = '{Ja4}']");
        foreach (var pattern in expected)
        {
            Assert.True(indicators.TryGetValue(pattern, out var id), $"no indicator {pattern}");
            Assert.Contains((id, "indicates", S(campaign, "id")), relationships);
        }
        Assert.Contains((indicators["[ipv4-addr:value = '203.0.113.71']"], "indicates", S(infrastructure, "id")), relationships);

        var sightings = Objects(bundle, "sighting").ToDictionary(s => S(s, "sighting_of_ref"));
        var ja4 = sightings[indicators[$"[network-traffic:extensions.'{StixBundle.Ja4Extension}'.ja4 = '{Ja4}']"]];
        Assert.Equal(Hydra.Length, ja4.GetProperty("count").GetInt32());
        Assert.Equal(2, sightings[indicators["[ipv4-addr:value = '203.0.113.71']"]].GetProperty("count").GetInt32());
        Assert.True(string.CompareOrdinal(S(ja4, "first_seen"), S(ja4, "last_seen")) < 0);

        // The account with no cluster is a campaign of its own, with no infrastructure: it used no proxy.
        Assert.Contains(Objects(bundle, "campaign"), c => S(c, "name") == $"Risk account {Digest.Of("stix-lone")[..16]}");
        Assert.Contains($"[ipv4-addr:value = '198.51.100.99']", indicators.Keys);
    }

    [Fact]
    public async Task Account_ids_are_keyed_digests_never_the_raw_id()
    {
        var text = (await Export()).GetRawText();
        foreach (var account in Hydra.Append("stix-lone"))
        {
            Assert.DoesNotContain(account, text);
            Assert.Contains(Digest.Of(account), text);
        }
        var other = (await Export(new AccountDigest("another-deployment-secret"))).GetRawText();
        Assert.DoesNotContain(Digest.Of(Hydra[0]), other);
        Assert.Matches("^[0-9a-f]{64}$", Digest.Of(Hydra[0]));
        Assert.Throws<ArgumentException>(() => new AccountDigest("short"));
    }

    [Fact]
    public async Task A_second_export_is_the_same_objects_and_new_traffic_moves_modified_but_not_ids_or_created()
    {
        var first = JsonNode.Parse((await Export()).GetRawText())!;
        var second = JsonNode.Parse((await Export()).GetRawText())!;
        Assert.Equal(first["objects"]!.ToJsonString(), second["objects"]!.ToJsonString());
        Assert.NotEqual(S(JsonDocument.Parse(first.ToJsonString()).RootElement, "id"), S(JsonDocument.Parse(second.ToJsonString()).RootElement, "id"));

        await Ingest.Ingest([.. Enumerable.Range(400, 20).Select(i => Traffic.Extraction(Hydra[0], i, ip: Ips[0], proxy: "relay:stix-hydra", payment: "card-stix-hydra") with { Ja4 = Ja4 })]);
        var third = await Export();
        var before = first["objects"]!.AsArray().ToDictionary(o => (string)o!["id"]!);
        var after = third.GetProperty("objects").EnumerateArray().ToDictionary(o => S(o, "id"));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var campaign = Assert.Single(after.Values, o => S(o, "type") == "campaign" && S(o, "name").StartsWith("Risk cluster", StringComparison.Ordinal));
        var was = before[S(campaign, "id")]!;
        Assert.Equal((string)was["created"]!, S(campaign, "created"));
        Assert.True(string.CompareOrdinal(S(campaign, "modified"), (string)was["modified"]!) > 0, $"modified stayed {S(campaign, "modified")}");
    }

    [Theory]
    [InlineData("[ipv4-addr:value = '198.51.100.7']", true)]
    [InlineData("[ipv6-addr:value = '2001:db8::1'] OR [user-account:user_id = 'it\\'s']", true)]
    [InlineData("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", true)]
    [InlineData("[ipv4-addr:value = \"198.51.100.7\"]", false)]
    [InlineData("[ipv4-addr:value = '198.51.100']", false)]
    [InlineData("[ipv4-addr:value = '2001:db8::1']", false)]
    [InlineData("ipv4-addr:value = '198.51.100.7'", false)]
    [InlineData("[ipv4-addr:value == '198.51.100.7']", false)]
    [InlineData("[ipv4-addr:value = '198.51.100.7' AND user-account:user_id = 'x']", false)]
    [InlineData("[user-account:user_id = 'unterminated]", false)]
    [InlineData("[network-traffic:extensions.'extension-definition--00000000-0000-5000-8000-000000000000'.ja4 = 'x']", false)]
    public void The_pattern_checker_tells_the_grammar_Risk_writes_from_what_breaks_it(string pattern, bool valid)
    {
        var errors = StixPattern.Check(pattern, []);
        Assert.True(valid == (errors.Count == 0), $"{pattern}: {string.Join("; ", errors)}");
    }
}
