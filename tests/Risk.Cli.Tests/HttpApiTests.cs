using System.Net;
using System.Text;
using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>A silo process with a small per-request event limit and a throttle threshold that any signal reaches.</summary>
public sealed class HttpSilo : IAsyncLifetime
{
    public SiloProcess Silo { get; } = new(["--storage", "memory", "--Risk:Http:MaxEventsPerRequest", "50"]);
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Silo.InitializeAsync();
        Http = new HttpClient { BaseAddress = Silo.Http };
        // Any signal at all (a new account is 10 points) throttles; a clean account still scores 0.
        var set = await Programs.Cli(["policy", "set", "threshold.throttle", "5", .. Silo.Target]);
        if (set.ExitCode != 0) throw new InvalidOperationException(set.Stderr);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Silo.DisposeAsync();
    }
}

public class HttpApiTests(HttpSilo fixture) : IClassFixture<HttpSilo>
{
    private HttpClient Http => fixture.Http;

    private static string Event(string account, string ts = "2026-03-02T10:00:00Z", string ip = "198.51.100.4", string extra = "") =>
        $$"""{"ts":"{{ts}}","account":"{{account}}","ip":"{{ip}}"{{extra}}}""";

    private Task<HttpResponseMessage> Post(string body, string type = "application/x-ndjson") =>
        Http.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, type));

    private async Task<HttpResponseMessage> Authz(string? account, string? ip = null, string? proxy = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/authz");
        if (account is not null) request.Headers.Add("X-Risk-Account", account);
        if (ip is not null) request.Headers.Add("X-Forwarded-For", $"{ip}, 10.0.0.1");
        if (proxy is not null) request.Headers.Add("X-Risk-Proxy", proxy);
        return await Http.SendAsync(request);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_retried_post_with_event_ids_is_applied_once()
    {
        var body = "[" + string.Join(',', Enumerable.Range(0, 3).Select(i =>
            Event("http-retry", ts: $"2026-03-02T10:0{i}:00Z", extra: $$""","id":"http-retry-{{i}}" """))) + "]";
        var first = await Json(await Post(body, "application/json"));
        var again = await Json(await Post(body, "application/json"));

        Assert.Equal((3, 0), (first.GetProperty("accepted").GetInt32(), first.GetProperty("duplicates").GetInt32()));
        Assert.Equal((3, 3), (again.GetProperty("accepted").GetInt32(), again.GetProperty("duplicates").GetInt32()));
        var explain = await Programs.Cli(["explain", "http-retry", "--json", .. fixture.Silo.Target]);
        Assert.Equal(3, JsonDocument.Parse(explain.Stdout).RootElement.GetProperty("verdict").GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task Posted_json_lines_are_applied_and_bad_lines_are_refused_by_index()
    {
        var body = string.Join('\n',
            Event("http-a"), "{not json", Event("http-b", ip: "999.1.1.1"), "", Event("http-b", ts: "2026-03-02T10:00:05Z"));
        var response = await Post(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await Json(response);
        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        Assert.Equal([1, 2], receipt.GetProperty("rejections").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        Assert.StartsWith("ip:", receipt.GetProperty("rejections")[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_lone_surrogate_costs_its_own_event_and_the_rest_of_the_batch_is_applied()
    {
        foreach (var (body, type) in new[]
        {
            ($"[{Event("http-s1")},{Event("http-s\\ud800")},{Event("http-s2")}]", "application/json"),
            (string.Join('\n', Event("http-s3"), Event("http-s\\udc00x"), Event("http-s4")), "application/x-ndjson"),
        })
        {
            var response = await Post(body, type);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var receipt = await Json(response);
            Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
            var rejection = Assert.Single(receipt.GetProperty("rejections").EnumerateArray());
            Assert.Equal(1, rejection.GetProperty("index").GetInt32());
            Assert.Equal("account: not valid Unicode text", rejection.GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task A_posted_json_array_is_applied()
    {
        var response = await Post($"[{Event("http-c")},{Event("http-c", ts: "2026-03-02T10:01:00Z")}]", "application/json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, (await Json(response)).GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task A_body_that_is_not_events_gets_400_and_too_many_events_get_413()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("[1, 2", "application/json")).StatusCode);
        // Neither an array nor JSON Lines of objects: a bad request, not one event refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("hello", "text/plain")).StatusCode);
        // One object is one line of JSON Lines: read, and refused for what it lacks.
        var single = await Post("{\"a\":1}", "application/json");
        Assert.Equal(HttpStatusCode.Accepted, single.StatusCode);
        Assert.StartsWith("ts:", (await Json(single)).GetProperty("rejections")[0].GetProperty("reason").GetString());
        var tooMany = string.Join('\n', Enumerable.Range(0, 51).Select(i => Event($"http-many-{i}")));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Post(tooMany)).StatusCode);
    }

    [Fact]
    public async Task Decision_answers_json_and_refuses_bad_identifiers_with_400()
    {
        var ok = await Http.GetAsync("/v1/decision?account=http-d&ip=2001:db8::1");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var decision = await Json(ok);
        Assert.Equal("allow", decision.GetProperty("action").GetString());
        Assert.True(decision.GetProperty("policyVersion").GetInt64() >= 2);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/v1/decision?ip=10.0.0.1")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/v1/decision?account=x&ip=10.0.0")).StatusCode);
    }

    [Fact]
    public async Task Authz_answers_200_403_and_429_with_the_risk_headers()
    {
        var clean = await Authz("http-clean", "198.51.100.9");
        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        Assert.Equal("allow", clean.Headers.GetValues("X-Risk-Action").Single());
        Assert.Equal("0", clean.Headers.GetValues("X-Risk-Score").Single());
        Assert.True(clean.Headers.Contains("X-Risk-Policy-Version"));

        await Programs.Cli(["override", "http-blocked", "block", .. fixture.Silo.Target]);
        var blocked = await Authz("http-blocked");
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal("override_block", blocked.Headers.GetValues("X-Risk-Reasons").Single());

        // A brand-new account scores the new_account points, which this fixture's policy throttles.
        Assert.Equal(HttpStatusCode.Accepted, (await Post(Event("http-new", extra: ",\"accountCreated\":\"2026-03-01T00:00:00Z\""))).StatusCode);
        var throttled = await Authz("http-new");
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal("throttle", throttled.Headers.GetValues("X-Risk-Action").Single());
        Assert.Equal(TimeSpan.FromSeconds(30), throttled.Headers.RetryAfter?.Delta);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Authz(account: null)).StatusCode);
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal("ready", await Http.GetStringAsync("/readyz"));
    }
}
