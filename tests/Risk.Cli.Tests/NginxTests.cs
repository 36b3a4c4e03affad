using System.Net;
using System.Text;
using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

public class NginxTests(SiloProcess silo) : IClassFixture<SiloProcess>
{
    private static async Task<HttpResponseMessage> Get(Nginx nginx, string account)
    {
        using var http = new HttpClient { BaseAddress = nginx.Address };
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/messages");
        request.Headers.Add("X-Risk-Account", account);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task A_clean_account_reaches_the_upstream_a_blocked_one_gets_403_and_a_throttled_one_429()
    {
        await using var nginx = await Nginx.Start($"127.0.0.1:{silo.HttpPort}");

        var clean = await Get(nginx, "nginx-clean");
        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        Assert.Equal("upstream ok\n", await clean.Content.ReadAsStringAsync());
        Assert.Equal("allow", clean.Headers.GetValues("X-Risk-Action").Single());

        Assert.Equal(0, (await Programs.Cli(["override", "nginx-blocked", "block", .. silo.Target])).ExitCode);
        var blocked = await Get(nginx, "nginx-blocked");
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal("override_block", blocked.Headers.GetValues("X-Risk-Reasons").Single());

        // Throttle everyone without an override; the blocked account stays blocked.
        Assert.Equal(0, (await Programs.Cli(["policy", "set", "threshold.throttle", "0", .. silo.Target])).ExitCode);
        try
        {
            var throttled = await Get(nginx, "nginx-throttled");
            Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(30), throttled.Headers.RetryAfter?.Delta);
            Assert.Equal("throttle", throttled.Headers.GetValues("X-Risk-Action").Single());
            Assert.Equal(HttpStatusCode.Forbidden, (await Get(nginx, "nginx-blocked")).StatusCode);
        }
        finally
        {
            await Programs.Cli(["policy", "set", "threshold.throttle", "40", .. silo.Target]);
        }
    }

    private static async Task<HttpResponseMessage> Get(Nginx nginx, Dictionary<string, string> headers)
    {
        using var http = new HttpClient { BaseAddress = nginx.Address };
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/messages");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Oversized_or_malformed_identity_headers_are_denied_instead_of_failing_open()
    {
        await using var nginx = await Nginx.Start($"127.0.0.1:{silo.HttpPort}");
        Assert.Equal(0, (await Programs.Cli(["override", "nginx-hostile", "block", .. silo.Target])).ExitCode);
        var hostile = new Dictionary<string, string>[]
        {
            new() { ["X-Risk-Account"] = "nginx-hostile", ["X-Risk-Proxy"] = new string('p', 600) },
            new() { ["X-Risk-Account"] = new string('a', 600) },
            new() { ["X-Risk-Account"] = "nginx-hostile", ["X-Forwarded-For"] = "<script>alert(1)</script>" },
            new() { ["X-Risk-Account"] = "nginx clean", ["X-Forwarded-For"] = "203.0.113.9" },
            new() { ["X-Risk-Account"] = "nginx-clean-2", ["X-Forwarded-For"] = "not-an-address, 10.0.0.1" },
        };
        foreach (var headers in hostile)
        {
            var response = await Get(nginx, headers);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{string.Join("; ", headers.Select(h => $"{h.Key}: {h.Value[..Math.Min(40, h.Value.Length)]}"))} got {(int)response.StatusCode}");
        }
        // A well-formed forwarding chain is fine.
        var forwarded = await Get(nginx, new Dictionary<string, string> { ["X-Risk-Account"] = "nginx-clean-3", ["X-Forwarded-For"] = "203.0.113.9, 10.0.0.1" });
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
    }

    [Fact]
    public async Task When_risk_does_not_answer_nginx_fails_open()
    {
        await using var nginx = await Nginx.Start($"127.0.0.1:{Programs.FreePort()}");
        var response = await Get(nginx, "nginx-anyone");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream ok\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Requests_through_nginx_reach_risk_as_events_and_an_extraction_like_account_is_flagged_by_them()
    {
        await using var nginx = await Nginx.Start($"127.0.0.1:{silo.HttpPort}");
        using var http = new HttpClient { BaseAddress = nginx.Address };
        using var risk = new HttpClient { BaseAddress = silo.Http };
        async Task<HttpStatusCode> Ask(string account, string prompt)
        {
            var body = JsonSerializer.Serialize(new { model = "model-x", max_tokens = 1024, messages = new[] { new { role = "user", content = prompt } } });
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Risk-Account", account);
            return (await http.SendAsync(request)).StatusCode;
        }
        async Task<JsonElement> Decision(string account) =>
            JsonDocument.Parse(await risk.GetStringAsync($"/v1/decision?account={account}&ip=127.0.0.1")).RootElement;

        Assert.Equal("allow", (await Decision("nginx-miner")).GetProperty("action").GetString());
        // Nothing reports these requests but nginx's mirror of them.
        var statuses = new List<HttpStatusCode>();
        var plain = 0;
        for (var i = 0; i < 80 && !statuses.Contains(HttpStatusCode.Forbidden); i++)
        {
            statuses.Add(await Ask("nginx-miner", $"Solve the following step by step and show your full reasoning for every step: benchmark item {i % 5}"));
            if (i % 4 != 0) continue;
            Assert.Equal(HttpStatusCode.OK, await Ask("nginx-plain", $"What is a good name for a cat that likes {(i % 2 == 0 ? "boxes" : "sunlight")}?"));
            plain++;
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        JsonElement miner = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(200))
            if ((miner = await Decision("nginx-miner")).GetProperty("action").GetString() != "allow") break;
        Assert.NotEqual("allow", miner.GetProperty("action").GetString());
        Assert.Contains("cot_elicitation", miner.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("allow", (await Decision("nginx-plain")).GetProperty("action").GetString());
        // Each request reached Risk once.
        long events = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); events < plain && DateTime.UtcNow < deadline; await Task.Delay(200))
            events = JsonDocument.Parse((await Programs.Cli(["explain", "nginx-plain", "--json", .. silo.Target])).Stdout).RootElement
                .GetProperty("verdict").GetProperty("events").GetInt64();
        Assert.Equal(plain, events);
    }
}
