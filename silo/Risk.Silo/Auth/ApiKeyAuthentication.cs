using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Risk.Silo.Auth;

/// <summary>
/// <c>Authorization: Bearer KEY</c> against <see cref="ApiKeys"/>. No header, or an unknown key, is a 401; a known key
/// whose role the endpoint does not allow is a 403 (<see cref="ApiAuth.Allow"/>). The key itself is never logged.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0) return Task.FromResult(AuthenticateResult.NoResult());
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.Fail("not a bearer key"));
        if (keys.Find(header["Bearer ".Length..].Trim()) is not { } key)
            return Task.FromResult(AuthenticateResult.Fail("unknown key"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role.ToString())], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Response.WriteAsync("a key is required: Authorization: Bearer KEY");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Response.WriteAsync("this key's role may not do this");
    }
}

/// <summary>Keys and roles on the HTTP API, and where the API listens without them.</summary>
public static class ApiAuth
{
    public static WebApplicationBuilder AddRiskAuth(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        builder.Services.AddSingleton<ApiKeys>();
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        builder.Services.AddAuthorization();
        var moved = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.KeysFile is not { Length: > 0 }
            ? ListenOnLoopbackOnly(builder) : [];
        builder.Services.AddSingleton(new MovedToLoopback(moved));
        return builder;
    }

    /// <summary>The addresses the API was told to listen on and, taking no keys, does not.</summary>
    private sealed record MovedToLoopback(string[] Urls);

    /// <summary>
    /// Without keys anyone who reaches the API can steer Risk, so it is kept to this host: every address it was told to
    /// listen on becomes the loopback address, on the same port.
    /// </summary>
    /// <returns>The addresses that were moved.</returns>
    private static string[] ListenOnLoopbackOnly(WebApplicationBuilder builder)
    {
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls)) return []; // Kestrel's default is localhost already.
        var all = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var loopback = all.Select(url => BindingAddress.Parse(url) is var b && IsLoopback(b.Host) ? url : $"{b.Scheme}://127.0.0.1:{b.Port}").ToArray();
        builder.WebHost.UseUrls(loopback);
        return all.Except(loopback).ToArray();
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" || System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip);

    /// <summary>
    /// Says in the log, once the app is built, whether the API takes keys: a warning only when that kept it from an
    /// address it was told to listen on. On loopback by default, as a first run is, no keys is what is expected.
    /// </summary>
    public static void LogAuth(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Risk.Silo.Auth");
        if (keys.Enabled) return;
        if (app.Services.GetRequiredService<MovedToLoopback>().Urls is { Length: > 0 } moved)
            log.LogWarning("No API keys file (--api-keys FILE, Risk:Auth:KeysFile): the HTTP API takes no keys and listens on loopback only, not on {Urls}",
                string.Join(", ", moved));
        else
            log.LogInformation("No API keys file (--api-keys FILE, Risk:Auth:KeysFile): the HTTP API takes no keys and listens on loopback only");
    }

    /// <summary>Only these roles may call the endpoint, when the API takes keys; without keys it is open on loopback.</summary>
    public static TBuilder Allow<TBuilder>(this TBuilder endpoint, ApiKeys keys, params ApiRole[] roles) where TBuilder : IEndpointConventionBuilder =>
        keys.Enabled ? endpoint.RequireAuthorization(p => p.RequireRole(roles.Select(r => r.ToString()))) : endpoint;
}
