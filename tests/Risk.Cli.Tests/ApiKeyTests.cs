using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>A silo whose HTTP API takes keys: one per role, made with `risk keys new`, in a keys file.</summary>
public class KeyedSilo : IAsyncLifetime
{
    private readonly string[] _extraArgs;

    public KeyedSilo() : this([]) { }

    protected KeyedSilo(string[] extraArgs) => _extraArgs = extraArgs;

    public string KeysFile { get; } = Path.Combine(Path.GetTempPath(), $"risk-keys-{Guid.NewGuid():N}.jsonl");
    public Dictionary<string, string> Keys { get; } = [];
    public Dictionary<string, string> Lines { get; } = [];
    public SiloProcess Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        foreach (var role in new[] { "gateway", "analyst", "admin" }) await NewKey($"test-{role}", role);
        await File.WriteAllLinesAsync(KeysFile, Lines.Values);
        Silo = new SiloProcess(["--storage", "memory", "--api-keys", KeysFile, .. _extraArgs]);
        await Silo.InitializeAsync();
    }

    /// <summary>A new key from the CLI, kept under its name; its keys-file line too.</summary>
    public async Task<string> NewKey(string name, string role)
    {
        var run = await Programs.Cli("keys", "new", "--name", name, "--role", role);
        if (run.ExitCode != 0) throw new InvalidOperationException(run.Stderr);
        var json = JsonDocument.Parse(run.Stdout).RootElement;
        Keys[name] = json.GetProperty("key").GetString()!;
        Lines[name] = json.GetProperty("line").GetRawText();
        return Keys[name];
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        File.Delete(KeysFile);
    }
}

public class ApiKeyTests(KeyedSilo fixture) : IClassFixture<KeyedSilo>
{
    private static readonly string Events = """{"ts":"2026-03-02T10:00:00Z","account":"keyed-a","ip":"198.51.100.4"}""";

    private async Task<HttpStatusCode> Send(HttpMethod method, string path, string? key, string? body = null)
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.Http };
        var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
        request.Headers.Add("X-Risk-Account", "keyed-a");
        return (await http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public void A_new_key_line_holds_the_keys_digest_never_the_key()
    {
        var line = JsonDocument.Parse(fixture.Lines["test-gateway"]).RootElement;
        Assert.Equal("gateway", line.GetProperty("role").GetString());
        Assert.Equal(64, line.GetProperty("sha256").GetString()!.Length);
        Assert.DoesNotContain(fixture.Keys["test-gateway"], fixture.Lines["test-gateway"]);
        Assert.DoesNotContain(fixture.Keys["test-gateway"], fixture.Silo.Log);
    }

    [Fact]
    public async Task Without_a_key_or_with_an_unknown_one_every_v1_endpoint_answers_401()
    {
        foreach (var key in new string?[] { null, "rk_not-a-key-anyone-was-given" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await Send(HttpMethod.Post, "/v1/events", key, Events));
            Assert.Equal(HttpStatusCode.Unauthorized, await Send(HttpMethod.Get, "/v1/decision?account=keyed-a", key));
            Assert.Equal(HttpStatusCode.Unauthorized, await Send(HttpMethod.Get, "/v1/authz", key));
        }
        // Probes carry no key.
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/healthz", null));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/readyz", null));
    }

    [Fact]
    public async Task Each_role_reaches_what_it_may_and_gets_403_for_the_rest()
    {
        var (gateway, analyst, admin) = (fixture.Keys["test-gateway"], fixture.Keys["test-analyst"], fixture.Keys["test-admin"]);
        Assert.Equal(HttpStatusCode.Accepted, await Send(HttpMethod.Post, "/v1/events", gateway, Events));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/v1/authz", gateway));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/v1/decision?account=keyed-a", gateway));

        // An analyst reads decisions; it cannot report traffic, which is what would let it flag an innocent account.
        Assert.Equal(HttpStatusCode.Forbidden, await Send(HttpMethod.Post, "/v1/events", analyst, Events));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(HttpMethod.Get, "/v1/authz", analyst));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/v1/decision?account=keyed-a", analyst));

        Assert.Equal(HttpStatusCode.Accepted, await Send(HttpMethod.Post, "/v1/events", admin, Events));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/v1/decision?account=keyed-a", admin));
    }

    [Fact]
    public async Task Keys_rotate_by_rewriting_the_file_without_a_restart()
    {
        var retired = await fixture.NewKey("rotate-old", "gateway");
        await File.WriteAllLinesAsync(fixture.KeysFile, fixture.Lines.Values);
        Assert.True(await Eventually(async () => await Send(HttpMethod.Get, "/v1/authz", retired) == HttpStatusCode.OK), "the added key was never accepted");

        var fresh = await fixture.NewKey("rotate-new", "gateway");
        fixture.Lines.Remove("rotate-old");
        await File.WriteAllLinesAsync(fixture.KeysFile, fixture.Lines.Values);
        Assert.True(await Eventually(async () => await Send(HttpMethod.Get, "/v1/authz", fresh) == HttpStatusCode.OK), "the new key was never accepted");
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(HttpMethod.Get, "/v1/authz", retired));
        // The other keys were not touched.
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "/v1/authz", fixture.Keys["test-gateway"]));
    }

    private async Task<(HttpStatusCode Status, JsonElement? Body)> Call(HttpMethod method, string path, string key, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.Http };
        var request = new HttpRequestMessage(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType?.Contains("json") == true ? JsonDocument.Parse(text).RootElement : null);
    }

    [Fact]
    public async Task An_admin_changes_policy_and_overrides_over_http_in_its_own_name_and_an_analyst_only_reads()
    {
        var (analyst, admin, gateway) = (fixture.Keys["test-analyst"], fixture.Keys["test-admin"], fixture.Keys["test-gateway"]);
        var (status, policy) = await Call(HttpMethod.Get, "/v1/policy", analyst);
        Assert.Equal(HttpStatusCode.OK, status);
        var version = policy!.Value.GetProperty("version").GetInt64();
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Get, "/v1/policy", gateway)).Status);

        const string change = """{"set": {"throttle.retry_after_s": 31, "push.min_score_change": 4}, "reason": "ticket 7"}""";
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Post, "/v1/policy", analyst, change)).Status);
        var (changed, answer) = await Call(HttpMethod.Post, "/v1/policy", admin, change);
        Assert.Equal(HttpStatusCode.OK, changed);
        Assert.Equal(version + 1, answer!.Value.GetProperty("version").GetInt64());
        var settings = (await Call(HttpMethod.Get, "/v1/policy", admin)).Body!.Value.GetProperty("settings");
        Assert.Equal((31, 4), (settings.GetProperty("throttle.retry_after_s").GetDouble(), settings.GetProperty("push.min_score_change").GetDouble()));

        // All or nothing: one bad key refuses the whole change, with the reason.
        var (refused, problem) = await Call(HttpMethod.Post, "/v1/policy", admin, """{"set": {"throttle.retry_after_s": 40, "threshold.throttle": 99}}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("threshold.throttle", problem!.Value.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, "/v1/policy", admin, "{\"set\": 5}")).Status);

        var (set, _) = await Call(HttpMethod.Post, "/v1/overrides", admin, """{"kind": "account", "id": "keyed-b", "action": "block", "reason": "ticket 8"}""");
        Assert.Equal(HttpStatusCode.OK, set);
        var until = DateTime.UtcNow.AddDays(7).ToString("O");
        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Post, "/v1/overrides", admin, $$"""{"kind": "ip", "id": "192.0.2.91", "action": "block", "expires": "{{until}}"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, "/v1/overrides", admin, """{"kind": "ip", "id": "192.0.2.92", "action": "block", "expires": "2020-01-01T00:00:00Z"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, "/v1/overrides", admin, """{"kind": "ip", "id": "192.0.2.92", "action": "block", "expires": "next week"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, "/v1/overrides", admin, $$"""{"kind": "account", "id": "{{new string('x', 600)}}", "action": "block"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Post, "/v1/overrides", analyst, """{"kind": "account", "id": "keyed-c", "action": "allow"}""")).Status);

        var history = (await Call(HttpMethod.Get, "/v1/policy/history?max=5", analyst)).Body!.Value.EnumerateArray().ToArray();
        Assert.Contains(history, h => h.GetProperty("what").GetString() == "push.min_score_change, throttle.retry_after_s"
            && h.GetProperty("actor").GetString() == "key:test-admin" && h.GetProperty("reason").GetString() == "ticket 7");
        Assert.Contains(history, h => h.GetProperty("what").GetString() == "override account keyed-b" && h.GetProperty("actor").GetString() == "key:test-admin");
        Assert.Contains(history, h => h.GetProperty("what").GetString() == "override ip 192.0.2.91" && h.GetProperty("newValue").GetString()!.StartsWith("block until "));
    }

    [Fact]
    public async Task Nginx_sends_its_gateway_key_and_a_wrong_key_is_denied_not_failed_open()
    {
        foreach (var (key, expected) in new[] { (fixture.Keys["test-gateway"], HttpStatusCode.OK), ("rk_wrong", HttpStatusCode.Unauthorized) })
        {
            await using var nginx = await Nginx.Start($"127.0.0.1:{fixture.Silo.HttpPort}", gatewayKey: key);
            using var http = new HttpClient { BaseAddress = nginx.Address };
            var request = new HttpRequestMessage(HttpMethod.Get, "/v1/messages") { Headers = { { "X-Risk-Account", "keyed-nginx" } } };
            Assert.Equal(expected, (await http.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task Events_are_counted_by_the_name_of_the_key_that_posted_them_in_the_metrics()
    {
        var bad = """{"ts":"2026-03-02T10:00:00Z","account":"keyed-m","ip":"not-an-ip"}""";
        Assert.Equal(HttpStatusCode.Accepted, await Send(HttpMethod.Post, "/v1/events", fixture.Keys["test-gateway"], Events + "\n" + bad));

        Assert.Equal(HttpStatusCode.Unauthorized, await Send(HttpMethod.Get, "/metrics", null));
        Assert.Equal(HttpStatusCode.Forbidden, await Send(HttpMethod.Get, "/metrics", fixture.Keys["test-gateway"]));
        using var http = new HttpClient { BaseAddress = fixture.Silo.Http };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Keys["test-analyst"]);
        // The exporter collects on a scrape; a count made just before may reach the next one.
        string text = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            text = await http.GetStringAsync("/metrics");
            if (text.Contains("outcome=\"rejected\"")) break;
        }
        var lines = text.Split('\n').Where(l => l.StartsWith("risk_http_events_total{") && l.Contains("key=\"test-gateway\"")).ToArray();
        // name{labels} value [timestamp]
        static double Value(string line) => double.Parse(line[(line.IndexOf('}') + 2)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(lines, l => l.Contains("outcome=\"accepted\"") && Value(l) >= 1);
        Assert.Contains(lines, l => l.Contains("outcome=\"rejected\""));
        Assert.DoesNotContain(fixture.Keys["test-gateway"], text);
    }

    [Fact]
    public async Task Each_key_has_its_own_rate_limit_on_posting_events()
    {
        var limited = new SiloProcess(["--storage", "memory", "--api-keys", fixture.KeysFile,
            "--Risk:Http:EventPostsPerSecondPerKey", "1", "--Risk:Http:EventPostsBurstPerKey", "2"]);
        await limited.InitializeAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = limited.Http };
            async Task<HttpResponseMessage> Post(string key) => await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/events")
            {
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
                Content = new StringContent(Events, Encoding.UTF8, "application/x-ndjson"),
            });

            var flood = new List<HttpResponseMessage>();
            for (var i = 0; i < 6; i++) flood.Add(await Post(fixture.Keys["test-gateway"]));
            Assert.Contains(flood, r => r.StatusCode == HttpStatusCode.Accepted);
            var refused = flood.FirstOrDefault(r => r.StatusCode == (HttpStatusCode)429);
            Assert.NotNull(refused);
            Assert.NotNull(refused.Headers.RetryAfter);
            // Another key's bucket is its own.
            Assert.Equal(HttpStatusCode.Accepted, (await Post(fixture.Keys["test-admin"])).StatusCode);
        }
        finally
        {
            await limited.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_cli_admin_verbs_work_against_a_url_with_a_key()
    {
        string[] Target(string key) => ["--url", fixture.Silo.Http.ToString(), "--key", fixture.Keys[key]];
        var set = await Programs.Cli(["policy", "set", "throttle.retry_after_s", "35", .. Target("test-admin")]);
        Assert.True(set.ExitCode == 0, set.Stderr);
        Assert.Equal(35, JsonDocument.Parse((await Programs.Cli(["policy", "show", .. Target("test-analyst")])).Stdout)
            .RootElement.GetProperty("settings").GetProperty("throttle.retry_after_s").GetDouble());

        var refused = await Programs.Cli(["policy", "set", "throttle.retry_after_s", "36", .. Target("test-analyst")]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("403", refused.Stderr);
        var bad = await Programs.Cli(["policy", "set", "threshold.throttle", "99", .. Target("test-admin")]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("threshold.throttle", bad.Stderr);

        Assert.Equal(0, (await Programs.Cli(["override", "keyed-d", "block", .. Target("test-admin")])).ExitCode);
        var history = (await Programs.Cli(["policy", "history", "--max", "10", .. Target("test-analyst")])).Stdout;
        Assert.Contains("\"what\":\"override account keyed-d\"", history);
        Assert.Contains("\"actor\":\"key:test-admin\"", history);
    }

    private static async Task<bool> Eventually(Func<Task<bool>> done)
    {
        // The file is polled every few seconds.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(250))
            if (await done()) return true;
        return false;
    }
}

public class OpenApiTests
{
    [Fact]
    public async Task Without_a_keys_file_the_api_listens_on_loopback_only_and_says_so()
    {
        await using var silo = new SiloProcessHandle(new SiloProcess(["--storage", "memory"], listenHost: "0.0.0.0"));
        await silo.Silo.InitializeAsync();
        Assert.Contains($"Now listening on: http://127.0.0.1:{silo.Silo.HttpPort}", silo.Silo.Log);
        Assert.DoesNotContain("0.0.0.0", silo.Silo.Log.Split('\n').Where(l => l.Contains("Now listening")).FirstOrDefault() ?? "");
        Assert.Contains($"listens on loopback only, not on http://0.0.0.0:{silo.Silo.HttpPort}", silo.Silo.Log);
    }

    private sealed class SiloProcessHandle(SiloProcess silo) : IAsyncDisposable
    {
        public SiloProcess Silo => silo;
        public async ValueTask DisposeAsync() => await silo.DisposeAsync();
    }
}
