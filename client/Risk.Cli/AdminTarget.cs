using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Risk.Stix;

namespace Risk.Cli;

/// <summary>What the admin verbs (policy, override) need, from the cluster's Orleans port or from a silo's HTTP API.</summary>
public interface IAdminTarget
{
    Task<RiskPolicy> GetPolicy();
    Task<long> SetPolicy(string key, double value);
    Task<IReadOnlyList<PolicyChange>> History(int max);
    Task<long> SetOverride(EntityKind kind, string id, OverrideAction action, DateTime? expires);
    Task<JsonElement> Versions(int max);
    Task<JsonElement> Diff(long from, long to);
    Task<long> Rollback(long version, string? reason);
    Task<JsonElement> SetShadow(IReadOnlyDictionary<string, double> settings, string? reason);
    /// <returns>Null when no shadow was in force.</returns>
    Task<JsonElement?> ClearShadow(string? reason);
    /// <returns>Null when no shadow was ever set.</returns>
    Task<JsonElement?> ShadowReport();
    /// <summary>The STIX 2.1 bundle of the flagged clusters, as JSON text.</summary>
    Task<string> ExportStix();
    /// <summary>Analysts' reviews from <paramref name="since"/> (a UTC day) through today, oldest first.</summary>
    Task<IReadOnlyList<AccountReview>> Reviews(DateOnly since);
}

/// <summary>
/// `--url URL --key KEY` (or RISK_URL and RISK_KEY): the admin verbs go to that silo's HTTP API with that key, and the
/// policy history records the key's name. Without a URL they use the Orleans client as before.
/// </summary>
public static class AdminTarget
{
    public static readonly Option<string?> Url = new("--url") { Description = "A silo's HTTP API (else RISK_URL); the admin verbs then use it instead of the Orleans port" };
    public static readonly Option<string?> Key = new("--key") { Description = "The API key for --url (else RISK_KEY)" };

    public static Task<int> Run(ParseResult parse, CancellationToken ct, Func<IAdminTarget, Task<int>> action)
    {
        var url = parse.GetValue(Url) ?? Environment.GetEnvironmentVariable("RISK_URL");
        if (string.IsNullOrEmpty(url))
            return Verb.WithServices(parse, ct, services => action(new OrleansAdmin(services.GetRequiredService<RiskClient>(),
                services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<IConfiguration>())));
        return RunHttp(url, parse.GetValue(Key) ?? Environment.GetEnvironmentVariable("RISK_KEY"), action);
    }

    private static async Task<int> RunHttp(string url, string? key, Func<IAdminTarget, Task<int>> action)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(key)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        try
        {
            return await action(new HttpAdmin(http));
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return Verb.BadInput;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return Verb.Failed;
        }
    }

    private sealed class OrleansAdmin(RiskClient client, IGrainFactory grains, IConfiguration configuration) : IAdminTarget
    {
        public Task<string> ExportStix() => StixExport.Export(grains, new AccountDigest(configuration[AccountDigest.ConfigurationKey]));
        public Task<RiskPolicy> GetPolicy() => client.GetPolicy();
        public async Task<long> SetPolicy(string key, double value) => (await client.SetPolicy(key, value, Verb.Actor)).Version;
        public Task<IReadOnlyList<PolicyChange>> History(int max) => client.PolicyHistory(max);
        public async Task<long> SetOverride(EntityKind kind, string id, OverrideAction action, DateTime? expires) =>
            (await client.SetOverride(kind, id, action, Verb.Actor, expires)).Version;
        public async Task<JsonElement> Versions(int max) => Json(PolicyJson.Versions(await client.PolicyVersions(max)));
        public async Task<JsonElement> Diff(long from, long to) => Json(PolicyJson.Diff(await client.PolicyAt(from), await client.PolicyAt(to)));
        public async Task<long> Rollback(long version, string? reason) => (await client.RollbackPolicy(version, Verb.Actor, reason)).Version;
        public async Task<JsonElement> SetShadow(IReadOnlyDictionary<string, double> settings, string? reason) =>
            Json(PolicyJson.Shadow(await client.SetShadow(settings, Verb.Actor, reason)));
        public async Task<JsonElement?> ClearShadow(string? reason) => await client.ClearShadow(Verb.Actor, reason) is { } ended ? Json(PolicyJson.Shadow(ended)) : null;
        public async Task<JsonElement?> ShadowReport() => await client.ShadowReport() is var (shadow, counts) ? Json(PolicyJson.ShadowReport(shadow, counts)) : null;

        public async Task<IReadOnlyList<AccountReview>> Reviews(DateOnly since)
        {
            var reviews = new List<AccountReview>();
            await foreach (var review in ReviewLog.Read(grains, since, DateOnly.FromDateTime(DateTime.UtcNow))) reviews.Add(review);
            return reviews;
        }

        private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value, PolicyJson.Options);
    }

    private sealed class HttpAdmin(HttpClient http) : IAdminTarget
    {
        public async Task<RiskPolicy> GetPolicy()
        {
            var json = await Read(await http.GetAsync("/v1/policy"));
            return new RiskPolicy(json.GetProperty("version").GetInt64(),
                json.GetProperty("settings").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
                json.GetProperty("updatedAt").GetDateTime().ToUniversalTime());
        }

        public async Task<long> SetPolicy(string key, double value) =>
            (await Read(await http.PostAsJsonAsync("/v1/policy", new { set = new Dictionary<string, double> { [key] = value }, reason = Verb.Actor }))).GetProperty("version").GetInt64();

        public async Task<IReadOnlyList<PolicyChange>> History(int max) =>
            (await Read(await http.GetAsync($"/v1/policy/history?max={max}"))).EnumerateArray().Select(c => new PolicyChange(
                c.GetProperty("version").GetInt64(), c.GetProperty("at").GetDateTime().ToUniversalTime(), c.GetProperty("what").GetString()!,
                c.GetProperty("oldValue").GetString(), c.GetProperty("newValue").GetString(), c.GetProperty("actor").GetString()!,
                c.TryGetProperty("reason", out var r) ? r.GetString() : null)).ToArray();

        public async Task<long> SetOverride(EntityKind kind, string id, OverrideAction action, DateTime? expires) =>
            (await Read(await http.PostAsJsonAsync("/v1/overrides", new
            {
                kind = kind.ToString().ToLowerInvariant(), id, action = action == OverrideAction.None ? "clear" : action.ToString().ToLowerInvariant(), reason = Verb.Actor,
                expires,
            }))).GetProperty("version").GetInt64();

        public async Task<JsonElement> Versions(int max) => await Read(await http.GetAsync($"/v1/policy/versions?max={max}"));
        public async Task<JsonElement> Diff(long from, long to) => await Read(await http.GetAsync($"/v1/policy/diff?from={from}&to={to}"));
        public async Task<long> Rollback(long version, string? reason) =>
            (await Read(await http.PostAsJsonAsync("/v1/policy/rollback", new { version, reason }))).GetProperty("version").GetInt64();
        public async Task<JsonElement> SetShadow(IReadOnlyDictionary<string, double> settings, string? reason) =>
            await Read(await http.PostAsJsonAsync("/v1/policy/shadow", new { set = settings, reason }));
        public async Task<JsonElement?> ClearShadow(string? reason) =>
            await ReadUnlessAbsent(await http.DeleteAsync("/v1/policy/shadow" + (reason is null ? "" : $"?reason={Uri.EscapeDataString(reason)}")));
        public async Task<JsonElement?> ShadowReport() => await ReadUnlessAbsent(await http.GetAsync("/v1/policy/shadow/report"));

        private static async Task<JsonElement?> ReadUnlessAbsent(HttpResponseMessage response) =>
            response.StatusCode == HttpStatusCode.NotFound ? null : await Read(response);

        public async Task<string> ExportStix()
        {
            var response = await http.GetAsync("/v1/export/stix");
            if (!response.IsSuccessStatusCode) await Read(response);
            return await response.Content.ReadAsStringAsync();
        }

        public async Task<IReadOnlyList<AccountReview>> Reviews(DateOnly since)
        {
            var response = await http.GetAsync($"/v1/reviews?since={since:yyyy-MM-dd}");
            if (!response.IsSuccessStatusCode) await Read(response);
            return ReviewPrecision.Parse(await response.Content.ReadAsStringAsync());
        }

        /// <summary>The answer's JSON; a 400 is bad input (its reason), a 401 or 403 a refusal, anything else a failure.</summary>
        private static async Task<JsonElement> Read(HttpResponseMessage response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode) return JsonDocument.Parse(text).RootElement.Clone();
            var detail = text.StartsWith('{') && JsonDocument.Parse(text).RootElement.TryGetProperty("detail", out var d) ? d.GetString() : text;
            throw response.StatusCode switch
            {
                HttpStatusCode.BadRequest => new ArgumentException(detail),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new UnauthorizedAccessException($"{(int)response.StatusCode}: {detail}"),
                _ => new HttpRequestException($"{(int)response.StatusCode}: {detail}"),
            };
        }
    }
}
