using Microsoft.AspNetCore.Server.Kestrel.Core;
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
}

public static class HttpExtensions
{
    public static WebApplicationBuilder AddRiskHttp(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(HttpApiOptions.Section).Get<HttpApiOptions>() ?? new();
        builder.Services.Configure<HttpApiOptions>(builder.Configuration.GetSection(HttpApiOptions.Section));
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        builder.Services.AddSingleton<Readiness>();
        // Decisions over HTTP come from the same pushed cache a .NET gateway embeds, hosted here for every other gateway.
        // Its miss timeout is long (appsettings: 1 s): the HTTP caller (nginx, Envoy, Traefik) applies its own.
        builder.Services.AddRiskGateway(builder.Configuration);
        return builder;
    }
}
