using System.Net;
using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>A keyed silo that may export indicators: it has the deployment's secret for account digests.</summary>
public sealed class StixSilo() : KeyedSilo(["--Risk:Stix:AccountKey", Secret])
{
    public const string Secret = "cli-tests-deployment-secret";
}

/// <summary>
/// `GET /v1/export/stix` and `risk export stix` on a real silo process, after a hydra's traffic came in over
/// `POST /v1/events`: the roles, the rules, and the HTTP and Orleans paths giving the same objects.
/// </summary>
public class StixExportApiTests(StixSilo fixture) : IClassFixture<StixSilo>
{
    private static readonly string[] Hydra = ["cli-hydra-a", "cli-hydra-b", "cli-hydra-c", "cli-hydra-d"];

    /// <summary>Four accounts on one card behind one relay, asking for reasoning traces every 20 s.</summary>
    private async Task<JsonElement> Flagged()
    {
        using var gateway = OperatorSilo.Client(fixture, "test-gateway");
        var t0 = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
        var lines = Enumerable.Range(0, 200).SelectMany(i => Hydra.Select((account, m) => JsonSerializer.Serialize(new
        {
            ts = t0.AddSeconds(i * 20 + m).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), account, ip = m % 2 == 0 ? "203.0.113.81" : "2001:db8::81",
            proxy = "relay:cli-hydra", payment = "card-cli-hydra", ja4 = "t13d1516h2_8daaf6152771_b186095e22b6", asn = 64501,
            accountCreated = "2026-02-28T00:00:00Z", tier = "standard", inTokens = 80, outTokens = 1800,
            prompt = $"Solve the following step by step and show your reasoning in full: benchmark problem {i % 4} variant",
        })));
        var posted = await gateway.PostAsync("/v1/events", OperatorSilo.Events([.. lines]));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        using var analyst = OperatorSilo.Client(fixture, "test-analyst");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var bundle = JsonDocument.Parse(await analyst.GetStringAsync("/v1/export/stix")).RootElement;
            var accounts = bundle.GetProperty("objects").EnumerateArray().Count(o =>
                o.TryGetProperty("pattern", out var p) && p.GetString()!.StartsWith("[user-account:", StringComparison.Ordinal));
            if (accounts >= Hydra.Length || DateTime.UtcNow > deadline) return bundle;
            await Task.Delay(250);
        }
    }

    private static string[] Ids(JsonElement bundle) =>
        [.. bundle.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Analysts_and_admins_export_a_valid_bundle_and_risk_export_stix_writes_the_same_objects_over_HTTP_and_Orleans()
    {
        var bundle = await Flagged();
        var problems = StixRules.Check(bundle);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var text = bundle.GetRawText();
        Assert.Contains("\"infrastructure_types\":[\"anonymization\"]", text.Replace(" ", "").Replace("\n", ""));
        Assert.Equal(Hydra.Length, bundle.GetProperty("objects").EnumerateArray().Count(o =>
            o.TryGetProperty("pattern", out var p) && p.GetString()!.StartsWith("[user-account:user_id", StringComparison.Ordinal)));
        Assert.All(Hydra, account => Assert.DoesNotContain(account, text));

        using (var admin = OperatorSilo.Client(fixture, "test-admin"))
        {
            var response = await admin.GetAsync("/v1/export/stix");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/stix+json", response.Content.Headers.ContentType?.MediaType);
        }
        using (var gateway = OperatorSilo.Client(fixture, "test-gateway"))
            Assert.Equal(HttpStatusCode.Forbidden, (await gateway.GetAsync("/v1/export/stix")).StatusCode);
        using (var nobody = OperatorSilo.Client(fixture, null))
            Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync("/v1/export/stix")).StatusCode);

        var file = Path.Combine(Path.GetTempPath(), $"risk-stix-{Guid.NewGuid():N}.json");
        try
        {
            var http = await Programs.Cli("export", "stix", "--url", fixture.Silo.Http.ToString(), "--key", fixture.Keys["test-analyst"], "--out", file);
            Assert.True(http.ExitCode == 0, http.Stderr);
            Assert.Equal(Ids(bundle), Ids(JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement));

            // Over the Orleans port, `risk` builds the bundle itself: with the deployment's secret, the same digests.
            var orleans = await Programs.Cli(["export", "stix", .. fixture.Silo.Target, "--Risk:Stix:AccountKey", StixSilo.Secret]);
            Assert.True(orleans.ExitCode == 0, orleans.Stderr);
            Assert.Equal(Ids(bundle), Ids(JsonDocument.Parse(orleans.Stdout).RootElement));

            // Without it there is no digest a partner could not reverse: refused as bad input, saying what to set.
            var keyless = await Programs.Cli(["export", "stix", .. fixture.Silo.Target]);
            Assert.Equal(2, keyless.ExitCode);
            Assert.Contains("Risk:Stix:AccountKey", keyless.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
