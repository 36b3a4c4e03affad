using System.Net;
using System.Text.Json;
using OpenQA.Selenium;

namespace Risk.Cli.Tests;

/// <summary>The operators' console at /console/, driven in headless chromium as an analyst and an admin use it.</summary>
public class ConsoleTests(ConsoleWorld world) : IClassFixture<ConsoleWorld>
{
    [Fact]
    public async Task An_analyst_signs_in_sees_a_flagged_account_opens_it_and_reads_its_reasons()
    {
        using var browser = new Browser(world.Silo.Http);
        browser.Go("/console/");
        browser.Until(d => d.Url.Contains("/console/signin"), "an unsigned visit is sent to sign in");
        browser.Screenshot("signin");
        browser.SignIn(world.Key("test-analyst"));

        // Home: the chart of decisions by action, and the flagged accounts.
        browser.Find("#flagged");
        Assert.True(browser.All("#decisions-chart rect[data-action]").Count > 0, "the chart draws the gateways' decisions: " + browser.Find("#decisions-chart").GetAttribute("outerHTML")?[..300]);
        Assert.True(long.Parse(browser.Find("#total-allow").Text) > 0, "the chart counts the gateways' allow decisions");
        Assert.NotEmpty(browser.All("#clusters a.cluster-link"));
        browser.Screenshot("home");

        var link = browser.Find("#flagged a.account-link");
        var account = link.Text;
        browser.Submit(link);
        Assert.Equal(account, browser.Find("#account-id").Text);
        browser.Screenshot("account");

        // The page says what the API says for a request from the account's latest IP and proxy, and shows each reason's points.
        var decision = await world.Decision(account, browser.Find("#account-ip").Text, browser.Find("#account-proxy").Text);
        Assert.Equal(decision.GetProperty("action").GetString(), browser.Find("#decision-action").Text.ToLowerInvariant());
        Assert.Contains(browser.Find("#decision-action").Text.ToLowerInvariant(), new[] { "challenge", "block" });
        Assert.Equal(decision.GetProperty("score").GetInt32().ToString(), browser.Find("#decision-score").Text);
        var reasons = decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToArray();
        Assert.Equal(string.Join(", ", reasons), browser.Find("#decision-reasons").Text);
        var contributions = browser.All("#contributions tr.reason code").Select(c => c.Text).ToHashSet();
        Assert.Contains(reasons[0], contributions);
        Assert.All(browser.All("#contributions tr.reason td.num"), points => Assert.StartsWith("+", points.Text));
        Assert.NotEmpty(browser.All("#timeline-chart rect[data-events]"));

        // Its cluster: the members, and what links them, drawn in the page.
        browser.Submit(browser.Find("#cluster-link"));
        browser.Find("#cluster-graph");
        var accounts = browser.All("#cluster-graph a.node.account").Count;
        Assert.True(accounts >= 2, $"the graph draws the cluster's members ({accounts})");
        Assert.True(accounts <= 100, "the graph is bounded");
        Assert.NotEmpty(browser.All("#cluster-graph line"));
        Assert.True(browser.All("#cluster-graph g.node").Count > 0, "IPs, proxies or cards link the members");
        Assert.Contains(account, browser.All("#members a").Select(a => a.Text));
        browser.Screenshot("cluster");
    }

    [Fact]
    public async Task An_analyst_clears_a_challenged_account_from_the_queue_and_its_label_and_note_are_stored()
    {
        using var browser = new Browser(world.Silo.Http);
        browser.SignIn(world.Key("test-analyst"));
        browser.Go("/console/review");
        var row = browser.Find("#queue tbody tr");
        var account = row.FindElement(By.CssSelector("a.account-link")).Text;
        Assert.Equal("challenge", (await world.Decision(account)).GetProperty("action").GetString());
        browser.Screenshot("review-queue");

        row.FindElement(By.CssSelector("select[name=label] option[value=benign]")).Click();
        row.FindElement(By.CssSelector("input[name=note]")).SendKeys("a known research lab's evaluation run");
        browser.Submit(row.FindElement(By.CssSelector("button[value=clear]")));

        Assert.Contains(account, browser.Find("#review-done").Text);
        Assert.DoesNotContain(account, browser.All("#queue a.account-link").Select(a => a.Text));
        Assert.Contains(account, browser.All("#reviewed a").Select(a => a.Text));
        browser.Screenshot("review-done");

        // Cleared is allowed, at once, for every gateway; the label and note are stored with the decision they judge.
        Assert.Equal("allow", (await world.Decision(account)).GetProperty("action").GetString());
        using var analyst = OperatorSilo.Client(world.Keyed, "test-analyst");
        var review = (await analyst.GetStringAsync("/v1/reviews")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Single(r => r.GetProperty("account").GetString() == account);
        Assert.Equal("benign", review.GetProperty("label").GetString());
        Assert.Equal("a known research lab's evaluation run", review.GetProperty("note").GetString());
        browser.Go($"/console/account?id={Uri.EscapeDataString(account)}");
        Assert.Contains("benign", browser.Find("#last-review").Text);
    }

    [Fact]
    public async Task An_admin_puts_a_candidate_in_shadow_and_reads_what_would_change()
    {
        using var browser = new Browser(world.Silo.Http);
        browser.SignIn(world.Key("test-admin"));
        browser.Go("/console/policy");
        var version = (await world.Policy()).GetProperty("version").GetInt64();
        browser.Find("#shadow-set").SendKeys("threshold.challenge = 20\nthreshold.throttle = 10");
        browser.Submit(browser.Find("#set-shadow"));
        Assert.Contains("threshold.challenge=20", browser.Find("#shadow-active").Text);

        // Decisions made from now on are compared under both; the live policy is the one enforced.
        await world.DecideAll();
        browser.Go("/console/policy");
        var compared = long.Parse(browser.Find("#shadow-compared").Text);
        Assert.True(compared >= world.Accounts.Count, $"every decision since is compared: {compared} of {world.Accounts.Count}");
        var pairs = browser.All("#shadow-report tbody tr").ToDictionary(
            r => r.FindElement(By.CssSelector("td.pair")).Text, r => long.Parse(r.FindElement(By.CssSelector("td.num")).Text));
        Assert.NotEmpty(pairs);
        browser.Screenshot("shadow");
        // The same counts as the API's report (read after the page, so at least as many).
        using var analyst = OperatorSilo.Client(world.Keyed, "test-analyst");
        var report = JsonDocument.Parse(await analyst.GetStringAsync("/v1/policy/shadow/report")).RootElement.GetProperty("changed");
        foreach (var (pair, count) in pairs)
            Assert.True(report.GetProperty(pair).GetInt64() >= count, $"{pair}: the page counts {count}, the API {report.GetProperty(pair)}");
        Assert.Equal(version, (await world.Policy()).GetProperty("version").GetInt64());

        browser.Submit(browser.Find("#clear-shadow"));
        browser.Find("#shadow-none");
    }

    [Fact]
    public async Task An_admin_changes_the_policy_with_a_reason_then_rolls_it_back()
    {
        using var browser = new Browser(world.Silo.Http);
        browser.SignIn(world.Key("test-admin"));
        browser.Go("/console/policy");
        var before = (await world.Policy()).GetProperty("version").GetInt64();
        browser.Find("#change-set").SendKeys("threshold.throttle = 35");
        browser.Find("input[name=reason][required]").SendKeys("throttle earlier during the launch");
        browser.Submit(browser.Find("#change"));
        Assert.Contains($"v{before + 1}", browser.Find("#policy-notice").Text);
        var changed = await world.Policy();
        Assert.Equal(35, changed.GetProperty("settings").GetProperty("threshold.throttle").GetDouble());
        Assert.Contains("throttle earlier during the launch", browser.Find($"#versions tr[data-version='{before + 1}']").Text);

        var rollback = browser.Find($"#versions tr[data-version='{before}'] form.rollback");
        rollback.FindElement(By.CssSelector("input[name=reason]")).SendKeys("launch is over");
        browser.Submit(rollback.FindElement(By.CssSelector("button")));
        Assert.Contains($"v{before}'s settings are back, as v{before + 2}", browser.Find("#policy-notice").Text);
        var back = await world.Policy();
        Assert.Equal(before + 2, back.GetProperty("version").GetInt64());
        Assert.Equal(40, back.GetProperty("settings").GetProperty("threshold.throttle").GetDouble());
        browser.Screenshot("rollback");

        browser.Go($"/console/policy?from={before}&to={before + 1}");
        Assert.Contains("threshold.throttle", browser.Find("#diff-table").Text);
    }

    [Fact]
    public async Task Signing_in_takes_an_analyst_or_admin_key_and_the_session_cookie_is_httponly_and_strict()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = world.Silo.Http };
        foreach (var path in new[] { "/console/", "/console/account?id=x", "/console/cluster?id=x", "/console/review", "/console/policy" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Found, $"{path}: {response.StatusCode}");
            Assert.StartsWith("/console/signin", response.Headers.Location!.PathAndQuery);
        }

        var (_, unknown) = await world.Session("rk_not-a-key-anyone-was-given");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var (_, gateway) = await world.Session(world.Key("test-gateway"));
        Assert.Equal(HttpStatusCode.Forbidden, gateway.StatusCode);
        Assert.False(gateway.Headers.TryGetValues("Set-Cookie", out var none) && none.Any(c => c.StartsWith("risk-console=")));

        var (http, signedIn) = await world.Session(world.Key("test-analyst"));
        using (http)
        {
            Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
            var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("risk-console=", StringComparison.Ordinal)).ToLowerInvariant();
            Assert.Contains("httponly", cookie);
            Assert.Contains("samesite=strict", cookie);
            Assert.Contains("path=/console", cookie);
            Assert.DoesNotContain(world.Key("test-analyst").ToLowerInvariant(), cookie);
            var home = await http.GetAsync("/console/");
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
            Assert.Contains("default-src 'none'", home.Headers.GetValues("Content-Security-Policy").Single());
            // The session is the console's only: the API still wants a key.
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/policy")).StatusCode);
        }
    }

    [Fact]
    public async Task A_form_posted_without_its_token_or_by_an_analyst_to_the_policy_changes_nothing()
    {
        var (http, _) = await world.Session(world.Key("test-analyst"));
        using (http)
        {
            var account = world.Accounts[0];
            var before = (await world.Decision(account)).GetProperty("action").GetString();
            var forged = await http.PostAsync("/console/review?handler=Review", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["account"] = account, ["verdict"] = "confirm",
            }));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Equal(before, (await world.Decision(account)).GetProperty("action").GetString());

            var version = (await world.Policy()).GetProperty("version").GetInt64();
            var page = await http.GetStringAsync("/console/policy");
            Assert.DoesNotContain("id=\"change\"", page);
            var change = await http.PostAsync("/console/policy?handler=Change", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["set"] = "threshold.block = 10", ["reason"] = "not mine to change", ["__RequestVerificationToken"] = ConsoleWorld.FormToken(page),
            }));
            Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
            Assert.Equal(version, (await world.Policy()).GetProperty("version").GetInt64());
        }
    }

    [Fact]
    public async Task A_session_ends_when_its_key_leaves_the_keys_file()
    {
        await world.Keyed.NewKey("test-leaving", "analyst");
        await File.WriteAllLinesAsync(world.Keyed.KeysFile, world.Keyed.Lines.Values);
        // Known to the API first (a refused sign-in would count against this address), then signed in.
        using (var api = OperatorSilo.Client(world.Keyed, "test-leaving"))
            await Eventually(() => api.GetAsync("/v1/policy"), r => r.StatusCode == HttpStatusCode.OK);
        var (http, signedIn) = await world.Session(world.Key("test-leaving"));
        using (http)
        {
            Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/console/")).StatusCode);
            world.Keyed.Lines.Remove("test-leaving");
            await File.WriteAllLinesAsync(world.Keyed.KeysFile, world.Keyed.Lines.Values);
            var after = await Eventually(() => http.GetAsync("/console/"), r => r.StatusCode == HttpStatusCode.Found);
            Assert.StartsWith("/console/signin", after.Headers.Location!.PathAndQuery);
        }
    }

    [Fact]
    public async Task A_session_made_at_one_silo_is_good_at_another_of_its_cluster()
    {
        // A cluster of its own: a silo that leaves the world's cluster would stall its grains until it is declared dead.
        var keyed = new KeyedSilo();
        SiloProcess? second = null;
        try
        {
            await keyed.InitializeAsync();
            second = new SiloProcess(["--storage", "memory", "--api-keys", keyed.KeysFile], join: keyed.Silo);
            await second.InitializeAsync();
            var (http, signedIn) = await new ConsoleWorld.Sessions(keyed.Silo).SignIn(keyed.Keys["test-analyst"]);
            http.Dispose();
            var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("risk-console=", StringComparison.Ordinal)).Split(';')[0];
            using var other = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = second.Http };
            other.DefaultRequestHeaders.Add("Cookie", cookie);
            var home = await other.GetAsync("/console/review");
            Assert.True(home.StatusCode == HttpStatusCode.OK, $"the other silo answered {home.StatusCode} {home.Headers.Location}");
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
            await keyed.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_ten_refused_keys_an_address_waits_even_with_a_good_key()
    {
        // A silo of its own: the refusals count against this host's address.
        var keyed = new KeyedSilo();
        try
        {
            await keyed.InitializeAsync();
            var world = new ConsoleWorld.Sessions(keyed.Silo);
            for (var i = 0; i < 10; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await world.SignIn($"rk_guess-{i}")).SignedIn.StatusCode);
            var (_, refused) = await world.SignIn(keyed.Keys["test-admin"]);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("60", refused.Headers.RetryAfter?.ToString());
        }
        finally
        {
            await keyed.DisposeAsync();
        }
    }

    /// <summary>The keys file is polled: a change is seen within seconds.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> attempt, Func<T, bool> done)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(250))
        {
            var result = await attempt();
            if (done(result) || DateTime.UtcNow > deadline) return done(result) ? result : throw new Xunit.Sdk.XunitException($"not within 20 s: {result}");
        }
    }
}
