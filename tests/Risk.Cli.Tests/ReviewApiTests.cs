using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>A keyed silo with an admin secret, whose gateway reports its counts every second.</summary>
public sealed class ReviewSilo() : KeyedSilo(["--Risk:Auth:AdminSecret", "review-secret", "--Risk:Gateway:ShadowReportInterval", "00:00:01"]);

/// <summary>Analysts' reviews and the decisions tally, over HTTP on a silo process with keys.</summary>
public class ReviewApiTests(ReviewSilo fixture) : IClassFixture<ReviewSilo>
{
    private string Admin => fixture.Keys["test-admin"];
    private string Analyst => fixture.Keys["test-analyst"];
    private string Gateway => fixture.Keys["test-gateway"];

    internal static async Task<(HttpStatusCode Status, JsonElement Body, string Text, string? Type)> Call(Uri silo, HttpMethod method, string path, string key, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = silo };
        var request = new HttpRequestMessage(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var type = response.Content.Headers.ContentType?.MediaType;
        return (response.StatusCode, type is "application/json" or "application/problem+json" ? JsonDocument.Parse(text).RootElement : default, text, type);
    }

    private Task<(HttpStatusCode Status, JsonElement Body, string Text, string? Type)> Call(HttpMethod method, string path, string key, string? json = null) =>
        Call(fixture.Silo.Http, method, path, key, json);

    private async Task<string?> Action(string account) =>
        (await Call(HttpMethod.Get, $"/v1/decision?account={account}", Analyst)).Body.GetProperty("action").GetString();

    private async Task<string?> EventuallyAction(string account, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? action;
        while ((action = await Action(account)) != expected && DateTime.UtcNow < deadline) await Task.Delay(200);
        return action;
    }

    [Fact]
    public async Task A_review_sets_the_override_and_is_listed_with_the_decision_it_judged()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Call(HttpMethod.Post, "/v1/events", Gateway,
            """{"ts":"2026-03-02T10:00:00Z","account":"review-ann","ip":"198.51.100.61"}""")).Status);
        Assert.Equal("allow", await Action("review-ann"));

        var (status, review, text, _) = await Call(HttpMethod.Post, "/v1/reviews", Analyst, """{"account":"review-ann","verdict":"confirm","note":"shared key"}""");

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(("fraud", "key:test-analyst", "allow"), (review.GetProperty("label").GetString(), review.GetProperty("reviewer").GetString(),
            review.GetProperty("before").GetProperty("action").GetString()));
        Assert.Equal("block", await EventuallyAction("review-ann", "block"));

        Assert.Equal(HttpStatusCode.OK, (await Call(HttpMethod.Post, "/v1/reviews", Admin, """{"account":"review-ann","verdict":"clear"}""")).Status);
        Assert.Equal("allow", await EventuallyAction("review-ann", "allow"));

        var listed = await Call(HttpMethod.Get, $"/v1/reviews?since={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}", Analyst);
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal("application/x-ndjson", listed.Type);
        var lines = listed.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("account").GetString() == "review-ann").ToArray();
        Assert.Equal([("confirm", "fraud", "allow"), ("clear", "benign", "block")], lines.Select(r =>
            (r.GetProperty("verdict").GetString(), r.GetProperty("label").GetString(), r.GetProperty("before").GetProperty("action").GetString())));
        Assert.Equal("shared key", lines[0].GetProperty("note").GetString());
        var history = (await Call(HttpMethod.Get, "/v1/policy/history?max=2", Analyst)).Body;
        Assert.Equal("review: fraud by key:test-analyst: shared key", history[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_gateway_key_may_not_review_and_bad_input_gets_400_with_why()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Post, "/v1/reviews", Gateway, """{"account":"review-bo","verdict":"confirm"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Get, "/v1/reviews", Gateway)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Call(HttpMethod.Get, "/v1/decisions/tally", Gateway)).Status);

        var tooLong = await Call(HttpMethod.Post, "/v1/reviews", Analyst, $$"""{"account":"review-bo","verdict":"confirm","note":"{{new string('x', 1001)}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Contains("note: longer than 1000", tooLong.Body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Post, "/v1/reviews", Analyst, """{"account":"review-bo","verdict":"maybe"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Get, "/v1/reviews?since=yesterday", Analyst)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Get, "/v1/decisions/tally?hours=49", Analyst)).Status);
        Assert.Equal("allow", await Action("review-bo"));
    }

    [Fact]
    public async Task The_tally_counts_the_decisions_answered_over_http()
    {
        static long Allowed(JsonElement buckets) => buckets.EnumerateArray().Sum(b => b.GetProperty("allow").GetInt64());
        var before = Allowed((await Call(HttpMethod.Get, "/v1/decisions/tally?hours=1", Analyst)).Body);

        for (var i = 0; i < 7; i++) Assert.Equal("allow", await Action($"tally-{i}"));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement after;
        do after = (await Call(HttpMethod.Get, "/v1/decisions/tally?hours=1", Analyst)).Body;
        while (Allowed(after) < before + 7 && DateTime.UtcNow < deadline);
        Assert.True(Allowed(after) >= before + 7, $"{Allowed(after)} allowed, {before} before");
        var bucket = after[after.GetArrayLength() - 1];
        Assert.True(bucket.GetProperty("start").GetDateTime() > DateTime.UtcNow.AddMinutes(-10));
    }
}

/// <summary>`risk evaluate --reviews` on a silo of its own, so that it reads only the reviews made here.</summary>
public class ReviewPrecisionTests(ReviewSilo fixture) : IClassFixture<ReviewSilo>
{
    private string Analyst => fixture.Keys["test-analyst"];
    private string Gateway => fixture.Keys["test-gateway"];

    private static string Extraction(string account, int count) => "[" + string.Join(",", Enumerable.Range(0, count).Select(i =>
        $$"""{"ts":"{{new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i * 20):yyyy-MM-ddTHH:mm:ssZ}}","account":"{{account}}","ip":"203.0.113.80","accountCreated":"2026-02-28T00:00:00Z","inTokens":80,"outTokens":1800,"prompt":"Solve the following step by step and show your reasoning in full: benchmark problem {{i % 4}} variant"}""")) + "]";

    private async Task<JsonElement> Decision(string account) =>
        (await ReviewApiTests.Call(fixture.Silo.Http, HttpMethod.Get, $"/v1/decision?account={account}", Analyst)).Body;

    private static bool Flagged(JsonElement decision) => decision.GetProperty("action").GetString() is "challenge" or "block";

    private async Task Review(string account, string verdict)
    {
        var (status, _, text, _) = await ReviewApiTests.Call(fixture.Silo.Http, HttpMethod.Post, "/v1/reviews", Analyst, $$"""{"account":"{{account}}","verdict":"{{verdict}}"}""");
        Assert.True(status == HttpStatusCode.OK, text);
    }

    [Fact]
    public async Task Evaluate_reviews_measures_the_precision_of_flagged_decisions_from_real_reviews()
    {
        foreach (var account in new[] { "precise-eve", "precise-fay" })
            Assert.Equal(HttpStatusCode.Accepted, (await ReviewApiTests.Call(fixture.Silo.Http, HttpMethod.Post, "/v1/events", Gateway, Extraction(account, 200))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await ReviewApiTests.Call(fixture.Silo.Http, HttpMethod.Post, "/v1/events", Gateway,
            """{"ts":"2026-03-02T10:00:00Z","account":"precise-olga","ip":"198.51.100.62"}""")).Status);
        // Accounts first heard of since the gateway's last copy of the stored keys are decided on their empty risk
        // while a busy cluster reads them; the read goes on behind that answer, and the reviews below judge the
        // decisions made once it lands.
        foreach (var account in new[] { "precise-eve", "precise-fay" })
        {
            var decision = await Decision(account);
            for (var deadline = DateTime.UtcNow.AddSeconds(20); !Flagged(decision) && DateTime.UtcNow < deadline; decision = await Decision(account))
                await Task.Delay(200);
            Assert.True(Flagged(decision), decision.ToString());
        }

        await Review("precise-eve", "confirm");
        await Review("precise-fay", "clear");
        await Review("precise-olga", "clear");
        // A second look at eve judges the override the first set, not a detector: left out.
        await Review("precise-eve", "confirm");

        var run = await Programs.Cli(["evaluate", "--reviews", "--json", "--url", fixture.Silo.Http.ToString(), "--key", Analyst]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var result = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal((3, 1), (result.GetProperty("reviews").GetInt32(), result.GetProperty("overridesSkipped").GetInt32()));
        var flagged = result.GetProperty("flagged");
        Assert.Equal((2, 1, 0.5), (flagged.GetProperty("reviewed").GetInt32(), flagged.GetProperty("fraud").GetInt32(), flagged.GetProperty("precision").GetDouble()));
        var actions = result.GetProperty("actions").EnumerateArray().ToDictionary(a => a.GetProperty("action").GetString()!, a => a.GetProperty("reviewed").GetInt32());
        Assert.Equal(["throttle", "challenge", "block"], actions.Keys);
        Assert.Equal(2, actions["challenge"] + actions["block"]);
        Assert.Equal(2, result.GetProperty("benign").GetInt32());
        Assert.Equal(2.0 / 3, result.GetProperty("benignShare").GetDouble(), 6);
        var table = await Programs.Cli(["evaluate", "--reviews", "--url", fixture.Silo.Http.ToString(), "--key", Analyst]);
        Assert.Contains("flagged", table.Stdout);
    }
}
