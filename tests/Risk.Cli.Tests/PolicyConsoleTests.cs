using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>What the operators' console stands on: versions, diff and rollback, and a shadow policy, over HTTP and `risk`.</summary>
public class PolicyConsoleTests(KeyedSilo fixture) : IClassFixture<KeyedSilo>
{
    private string Admin => fixture.Keys["test-admin"];
    private string Analyst => fixture.Keys["test-analyst"];
    private string Gateway => fixture.Keys["test-gateway"];
    private string[] Http(string key) => ["--url", fixture.Silo.Http.ToString(), "--key", key];

    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)> Call(HttpMethod method, string path, string key, string? json = null,
        string? account = null)
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.Http };
        var request = new HttpRequestMessage(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (account is not null) request.Headers.Add("X-Risk-Account", account);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.StartsWith('{') || text.StartsWith('[') ? JsonDocument.Parse(text).RootElement : default, text);
    }

    private async Task<long> Change(string settings)
    {
        var (status, body, text) = await Call(HttpMethod.Post, "/v1/policy", Admin, $$"""{"set": {{{settings}}}, "reason": "test"}""");
        Assert.True(status == HttpStatusCode.OK, text);
        return body.GetProperty("version").GetInt64();
    }

    private async Task<double> Setting(string key) =>
        (await Call(HttpMethod.Get, "/v1/policy", Analyst)).Body.GetProperty("settings").GetProperty(key).GetDouble();

    [Fact]
    public async Task A_rollback_over_http_brings_back_a_versions_settings_in_the_admin_keys_name()
    {
        var first = await Change("\"weight.output_heavy\": 12, \"weight.round_the_clock\": 16");
        await Change("\"weight.output_heavy\": 14");
        await Change("\"weight.round_the_clock\": 11");

        var body = $$"""{"version": {{first}}, "reason": "ticket 20"}""";
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Post, "/v1/policy/rollback", Analyst, body)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, "/v1/policy/rollback", Admin, """{"reason": "no version"}""")).Status);
        var (status, made, text) = await Call(HttpMethod.Post, "/v1/policy/rollback", Admin, body);

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal((12.0, 16.0), (await Setting("weight.output_heavy"), await Setting("weight.round_the_clock")));
        var latest = (await Call(HttpMethod.Get, "/v1/policy/history?max=1", Analyst)).Body[0];
        Assert.Equal(made.GetProperty("version").GetInt64(), latest.GetProperty("version").GetInt64());
        Assert.Equal(("key:test-admin", "ticket 20"), (latest.GetProperty("actor").GetString(), latest.GetProperty("reason").GetString()));
        // Nothing to bring back now: the settings of that version are in force.
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, "/v1/policy/rollback", Admin, body)).Status);
    }

    [Fact]
    public async Task A_version_whose_settings_can_no_longer_be_rebuilt_is_refused_with_400_and_nothing_changes()
    {
        var early = await Change("\"weight.early_model_switch\": 21");
        var weights = new[] { "high_volume", "high_token_volume", "machine_timing", "many_ips", "ip_fanout", "proxy_fanout", "synchrony", "template_overlap", "fingerprint_monoculture", "flagged_members" };
        // Ten settings a change, until the oldest changes kept (a thousand settings in all) drop the early one.
        for (var i = 0; i < 101; i++) await Change(string.Join(", ", weights.Select(w => $"\"weight.{w}\": {15 + i % 2}")));
        var versions = (await Call(HttpMethod.Get, "/v1/policy/versions?max=1", Analyst)).Body;
        Assert.True(versions.GetProperty("oldest").GetInt64() > early);
        var current = versions.GetProperty("current").GetInt64();

        var (status, body, _) = await Call(HttpMethod.Post, "/v1/policy/rollback", Admin, $$"""{"version": {{early}}, "reason": "too far"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("can no longer be rebuilt", body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Get, $"/v1/policy/diff?from={early}&to={current}", Analyst)).Status);
        Assert.Equal(current, (await Call(HttpMethod.Get, "/v1/policy", Analyst)).Body.GetProperty("version").GetInt64());
        var cli = await Programs.Cli(["policy", "rollback", early.ToString(), "--reason", "too far", .. Http(Admin)]);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("can no longer be rebuilt", cli.Stderr);
    }

    [Fact]
    public async Task Versions_and_diff_give_each_differing_setting_at_both_versions()
    {
        var from = await Change("\"weight.many_ips\": 13");
        var to = await Change("\"weight.many_ips\": 17, \"network.max_points\": 30");

        var (status, diff, text) = await Call(HttpMethod.Get, $"/v1/policy/diff?from={from}&to={to}", Analyst);
        Assert.True(status == HttpStatusCode.OK, text);
        var changed = diff.GetProperty("changed").EnumerateObject().ToDictionary(p => p.Name, p => (p.Value.GetProperty("from").GetDouble(), p.Value.GetProperty("to").GetDouble()));
        Assert.Equal(new Dictionary<string, (double, double)> { ["weight.many_ips"] = (13, 17), ["network.max_points"] = (35, 30) }, changed);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Get, $"/v1/policy/diff?to={to}", Analyst)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Get, $"/v1/policy/diff?from={from}&to={to}", Gateway)).Status);

        var listed = (await Call(HttpMethod.Get, "/v1/policy/versions?max=1", Analyst)).Body.GetProperty("versions")[0];
        Assert.Equal(to, listed.GetProperty("version").GetInt64());
        Assert.Equal(30, listed.GetProperty("settings").GetProperty("network.max_points").GetDouble());
        Assert.Equal(13, listed.GetProperty("changed").GetProperty("weight.many_ips").GetProperty("from").GetDouble());
        var at = (await Call(HttpMethod.Get, $"/v1/policy/versions/{from}", Analyst)).Body;
        Assert.Equal(35, at.GetProperty("settings").GetProperty("network.max_points").GetDouble());

        var cli = await Programs.Cli(["policy", "diff", from.ToString(), to.ToString(), .. fixture.Silo.Target]);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.Equal(17, JsonDocument.Parse(cli.Stdout).RootElement.GetProperty("changed").GetProperty("weight.many_ips").GetProperty("to").GetDouble());
        await Change("\"network.max_points\": 35");
    }

    [Fact]
    public async Task Risk_policy_rollback_goes_over_http_with_a_key_or_over_orleans()
    {
        var first = await Change("\"weight.high_volume\": 23");
        await Change("\"weight.high_volume\": 24");

        var overHttp = await Programs.Cli(["policy", "rollback", first.ToString(), "--reason", "from the cli", .. Http(Admin)]);
        Assert.True(overHttp.ExitCode == 0, overHttp.Stderr);
        Assert.Equal(first, JsonDocument.Parse(overHttp.Stdout).RootElement.GetProperty("rolledBackTo").GetInt64());
        Assert.Equal(23, await Setting("weight.high_volume"));
        var latest = (await Call(HttpMethod.Get, "/v1/policy/history?max=1", Analyst)).Body[0];
        Assert.Equal(("key:test-admin", "from the cli"), (latest.GetProperty("actor").GetString(), latest.GetProperty("reason").GetString()));

        var refused = await Programs.Cli(["policy", "rollback", first.ToString(), .. Http(Analyst)]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("403", refused.Stderr);

        var overOrleans = await Programs.Cli(["policy", "rollback", (first + 1).ToString(), "--reason", "over orleans", .. fixture.Silo.Target]);
        Assert.True(overOrleans.ExitCode == 0, overOrleans.Stderr);
        Assert.Equal(24, await Setting("weight.high_volume"));
        Assert.StartsWith("cli", (await Call(HttpMethod.Get, "/v1/policy/history?max=1", Analyst)).Body[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task A_shadow_policy_is_compared_on_http_decisions_and_authz_and_never_enforced()
    {
        // A new account scores its new_account points: allowed live, throttled by a candidate with a low throttle line.
        var posted = await Call(HttpMethod.Post, "/v1/events", Gateway,
            """{"ts":"2026-03-02T10:00:00Z","account":"shadow-nina","ip":"198.51.100.40","accountCreated":"2026-03-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Accepted, posted.Status);
        const string candidate = """{"set": {"threshold.throttle": 5}, "reason": "try a lower throttle"}""";
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Post, "/v1/policy/shadow", Analyst, candidate)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, "/v1/policy/shadow", Admin, """{"set": {"ramp.synchrony.from": 0.2}}""")).Status);
        var (status, shadow, text) = await Call(HttpMethod.Post, "/v1/policy/shadow", Admin, candidate);
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal("key:test-admin", shadow.GetProperty("actor").GetString());

        // The silo's gateway hears of the shadow by push (or its next poll); from then on each answer is compared.
        JsonElement report = default;
        string raw = "";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            var decision = await Call(HttpMethod.Get, "/v1/decision?account=shadow-nina", Gateway);
            Assert.Equal("allow", decision.Body.GetProperty("action").GetString());
            var authz = await Call(HttpMethod.Get, "/v1/authz", Gateway, account: "shadow-nina");
            Assert.Equal(HttpStatusCode.OK, authz.Status);
            (_, report, raw) = await Call(HttpMethod.Get, "/v1/policy/shadow/report", Analyst);
        } while (!report.GetProperty("changed").TryGetProperty("allow->throttle", out _) && DateTime.UtcNow < deadline);

        Assert.Contains("\"allow->throttle\"", raw);
        var changed = report.GetProperty("changed").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(["allow->throttle"], changed.Keys);
        Assert.True(report.GetProperty("compared").GetInt64() >= changed["allow->throttle"]);
        Assert.Equal(["shadow-nina"], report.GetProperty("examples").GetProperty("allow->throttle").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(shadow.GetProperty("id").GetInt64(), report.GetProperty("shadow").GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Get, "/v1/policy/shadow/report", Gateway)).Status);

        var (cleared, ended, _) = await Call(HttpMethod.Delete, "/v1/policy/shadow?reason=seen%20enough", Admin);
        Assert.Equal(HttpStatusCode.OK, cleared);
        Assert.Equal(JsonValueKind.String, ended.GetProperty("ended").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Delete, "/v1/policy/shadow", Admin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Get, "/v1/policy/shadow/report", Analyst)).Status);
    }

    [Fact]
    public async Task Risk_policy_shadow_sets_reports_and_clears_over_http_and_over_orleans()
    {
        var set = await Programs.Cli(["policy", "shadow", "set", "--set", "threshold.challenge=55", "--set", "weight.synchrony=25", "--reason", "cli", .. Http(Admin)]);
        Assert.True(set.ExitCode == 0, set.Stderr);
        var shadow = JsonDocument.Parse(set.Stdout).RootElement;
        Assert.Equal(55, shadow.GetProperty("set").GetProperty("threshold.challenge").GetDouble());

        var report = await Programs.Cli(["policy", "shadow", "report", .. fixture.Silo.Target]);
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Equal(shadow.GetProperty("id").GetInt64(), JsonDocument.Parse(report.Stdout).RootElement.GetProperty("shadow").GetProperty("id").GetInt64());

        var file = Path.Combine(Path.GetTempPath(), $"risk-candidate-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"set": {"account.many_ips": 4}, "reason": "wider"}""");
        var refused = await Programs.Cli(["policy", "shadow", "set", "--policy", file, .. fixture.Silo.Target]);
        File.Delete(file);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("risk backtest", refused.Stderr);

        Assert.Equal(0, (await Programs.Cli(["policy", "shadow", "clear", "--reason", "done", .. Http(Admin)])).ExitCode);
        var again = await Programs.Cli(["policy", "shadow", "clear", .. fixture.Silo.Target]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no shadow policy is in force", again.Stderr);
    }
}

/// <summary>Two silos in one cluster: each one's gateway counts its own decisions, and the report sums them.</summary>
public class ShadowAcrossSilosTests
{
    [Fact]
    public async Task The_shadow_report_read_on_one_silo_holds_the_decisions_another_silo_answered()
    {
        var first = new SiloProcess(["--storage", "memory"]);
        var second = new SiloProcess(["--storage", "memory", "--Risk:Gateway:ShadowReportInterval", "00:00:01"], join: first);
        long count;
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            using var one = new HttpClient { BaseAddress = first.Http };
            using var two = new HttpClient { BaseAddress = second.Http };

            var events = new StringContent("""{"ts":"2026-03-02T10:00:00Z","account":"across-olga","ip":"198.51.100.41","accountCreated":"2026-03-01T00:00:00Z"}""",
                Encoding.UTF8, "application/x-ndjson");
            Assert.Equal(HttpStatusCode.Accepted, (await two.PostAsync("/v1/events", events)).StatusCode);
            var set = await one.PostAsync("/v1/policy/shadow", new StringContent("""{"set": {"threshold.throttle": 5}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);

            // Decisions only on the second silo, the report only from the first: the counts travel by the second's reports.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            do
            {
                Assert.Contains("\"allow\"", await two.GetStringAsync("/v1/decision?account=across-olga"));
                await Task.Delay(500);
                var report = JsonDocument.Parse(await one.GetStringAsync("/v1/policy/shadow/report")).RootElement;
                count = report.GetProperty("changed").TryGetProperty("allow->throttle", out var c) ? c.GetInt64() : 0;
            } while (count == 0 && DateTime.UtcNow < deadline);
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
        Assert.True(count > 0, "the second silo's decisions never reached the report read on the first");
    }
}
