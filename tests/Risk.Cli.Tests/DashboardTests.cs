using System.Net;
using System.Text.Json;

namespace Risk.Cli.Tests;

/// <summary>The Orleans Dashboard the silo host serves at /dashboard: admin keys only, on every path under it.</summary>
[Collection(OperatorSilo.Name)]
public class DashboardTests(OperatorKeyedSilo fixture)
{
    /// <summary>Every route the dashboard maps (its page, scripts, styles, fonts, images and JSON), and paths it does not.</summary>
    private static readonly string[] Paths =
    [
        "/dashboard", "/dashboard/", "/dashboard/index.html", "/dashboard/index.min.js", "/dashboard/index.css", "/dashboard/favicon.ico",
        "/dashboard/fonts/any.woff2", "/dashboard/img/any.png", "/dashboard/version", "/dashboard/DashboardCounters", "/dashboard/ClusterStats",
        "/dashboard/Reminders", "/dashboard/Reminders/2", "/dashboard/HistoricalStats/any", "/dashboard/SiloProperties/any",
        "/dashboard/SiloMetadata/any", "/dashboard/SiloStats/any", "/dashboard/SiloCounters/any", "/dashboard/GrainStats/any",
        "/dashboard/TopGrainMethods", "/dashboard/GrainState?grainId=policy&grainType=PolicyGrain", "/dashboard/LifecycleStages",
        "/dashboard/GrainTypes", "/dashboard/Trace", "/dashboard/no-such-page",
    ];

    [Fact]
    public async Task Without_an_admin_key_every_dashboard_path_answers_401_or_403()
    {
        foreach (var (key, expected) in new (string?, HttpStatusCode)[]
                 {
                     (null, HttpStatusCode.Unauthorized), ("rk_not-a-key-anyone-was-given", HttpStatusCode.Unauthorized),
                     ("test-gateway", HttpStatusCode.Forbidden), ("test-analyst", HttpStatusCode.Forbidden),
                 })
        {
            using var http = OperatorSilo.Client(fixture, key, followRedirects: false);
            foreach (var path in Paths)
                Assert.True((await http.GetAsync(path)).StatusCode == expected, $"GET {path} with {key ?? "no key"}: not {expected}");
            Assert.Equal(expected, (await http.PostAsync("/dashboard/ClusterStats", null)).StatusCode);
            Assert.Equal(expected, (await http.DeleteAsync("/dashboard/")).StatusCode);
        }
    }

    [Fact]
    public async Task An_admin_key_gets_the_dashboard_page_its_script_and_its_data()
    {
        using var admin = OperatorSilo.Client(fixture, "test-admin");

        var page = await admin.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("index.min.js", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/dashboard/index.min.js")).StatusCode);
        // Without the slash, the page's relative paths would miss: it sends the browser to the slash.
        using (var noRedirect = OperatorSilo.Client(fixture, "test-admin", followRedirects: false))
            Assert.Equal("/dashboard/", (await noRedirect.GetAsync("/dashboard")).Headers.Location?.OriginalString);

        var counters = await admin.GetAsync("/dashboard/DashboardCounters");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        var hosts = JsonDocument.Parse(await counters.Content.ReadAsStringAsync()).RootElement.GetProperty("hosts").EnumerateArray().ToArray();
        Assert.Contains(hosts, h => h.GetProperty("status").GetString() == "Active" && h.GetProperty("proxyPort").GetInt32() == fixture.Silo.GatewayPort);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/no-such-page")).StatusCode);
    }

    [Fact]
    public async Task By_default_a_silo_serves_no_dashboard()
    {
        var silo = new SiloProcess(["--storage", "memory"]);
        await silo.InitializeAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = silo.Http };
            // Without keys the API is open on loopback, so a dashboard there would answer 200.
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/DashboardCounters")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }
}
