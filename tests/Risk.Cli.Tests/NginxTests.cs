using System.Net;
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

    [Fact]
    public async Task When_risk_does_not_answer_nginx_fails_open()
    {
        await using var nginx = await Nginx.Start($"127.0.0.1:{Programs.FreePort()}");
        var response = await Get(nginx, "nginx-anyone");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream ok\n", await response.Content.ReadAsStringAsync());
    }
}
