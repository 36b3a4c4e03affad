using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Risk.Grains;
using Risk.Client;

namespace Risk.Silo.Apis;

/// <summary>Limits and services of the silo's HTTP API (configuration section "Risk:Http").</summary>
public sealed class HttpApiOptions
{
    public const string Section = "Risk:Http";

    /// <summary>The largest request body accepted, in bytes; larger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The most events in one POST; more get 413.</summary>
    public int MaxEventsPerRequest { get; set; } = 20_000;

    /// <summary>Events per ingest call inside the silo.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>POST /v1/events requests per second per key (a token bucket); more get 429 with Retry-After. 0: no limit.</summary>
    public int EventPostsPerSecondPerKey { get; set; } = 200;

    /// <summary>How many requests above the rate one key may send at once.</summary>
    public int EventPostsBurstPerKey { get; set; } = 400;
}

public static class HttpExtensions
{
    public const string EventsRateLimit = "events-per-key";

    /// <summary>
    /// Who sent the request a gateway asks or reports about: X-Risk-Account, the client IP from X-Real-IP (else the
    /// first X-Forwarded-For), and X-Risk-Proxy; null for each one absent or blank.
    /// </summary>
    public static (string? Account, string? Ip, string? Proxy) Requester(IHeaderDictionary headers) => (
        Header(headers, DecisionApi.AccountHeader),
        Header(headers, "X-Real-IP") ?? Blank(headers["X-Forwarded-For"].ToString().Split(',')[0].Trim()),
        Header(headers, DecisionApi.ProxyHeader));

    /// <summary>The header's value; null when it is absent or blank.</summary>
    public static string? Header(IHeaderDictionary headers, string name) => Blank(headers[name].ToString());

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The caller's key name; without keys the API is on loopback only, and its caller is this host's.</summary>
    public static string KeyName(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name : "loopback";

    public static WebApplicationBuilder AddRiskHttp(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(HttpApiOptions.Section).Get<HttpApiOptions>() ?? new();
        builder.Services.Configure<HttpApiOptions>(builder.Configuration.GetSection(HttpApiOptions.Section));
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        builder.Services.AddSingleton<Readiness>();
        // Per key, so that one gateway flooding Risk (by mistake or not) cannot starve the others.
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(EventsRateLimit, http => options.EventPostsPerSecondPerKey <= 0
                ? RateLimitPartition.GetNoLimiter("unlimited")
                : RateLimitPartition.GetTokenBucketLimiter(KeyName(http.User), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.EventPostsBurstPerKey),
                    TokensPerPeriod = options.EventPostsPerSecondPerKey,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = "1";
                RiskMetrics.HttpRateLimited.Add(1, new KeyValuePair<string, object?>("key", KeyName(context.HttpContext.User)));
                return ValueTask.CompletedTask;
            };
        });
        // Decisions over HTTP come from the same pushed cache a .NET gateway embeds, hosted here for every other gateway.
        // Its miss timeout is long (appsettings: 1 s): the HTTP caller (nginx, Envoy, Traefik) applies its own.
        builder.Services.AddRiskGateway(builder.Configuration);
        return builder;
    }
}
