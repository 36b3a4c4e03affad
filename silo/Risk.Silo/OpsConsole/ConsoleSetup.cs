using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Risk.Silo.Auth;

namespace Risk.Silo.OpsConsole;

/// <summary>Settings of the operators' console (configuration section "Risk:Console").</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Risk:Console";

    /// <summary>How long a session lasts without use.</summary>
    public TimeSpan SessionIdle { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>
/// The operators' console at /console/: Razor Pages rendered on the silo, with no script and nothing from elsewhere.
/// An analyst or admin signs in with their API key once; it is exchanged for a session cookie (HttpOnly, SameSite=Strict,
/// path /console) that only the console's pages accept, never the /v1 API, so no other site can steer Risk through a
/// signed-in browser. Every form carries an antiforgery token as well. A session holds the key's digest and ends when
/// the key leaves the keys file. Without a keys file the console, like the API, is open on loopback only.
/// </summary>
public static class ConsoleSetup
{
    public const string Path = "/console";
    public const string Scheme = "RiskConsole";
    public const string Policy = "console";
    private const string DigestClaim = "risk:key-digest";

    public static WebApplicationBuilder AddRiskConsole(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new();
        builder.Services.AddDataProtection().SetApplicationName("risk-console");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = ActivatorUtilities.CreateInstance<GrainKeyRing>(sp)));
        // The ring is kept as Risk keeps everything else, in its storage, which is guarded as the key to all of Risk's
        // state already: data protection's warning that it is not encrypted again there says nothing an operator can act on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);

        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/OpsConsole/Pages";
            o.Conventions.AuthorizeFolder("/", Policy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "risk-console-form";
            o.Cookie.Path = Path;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "risk-console";
            o.Cookie.Path = Path;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the console is reached over HTTPS; plain HTTP is for loopback and tests.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = options.SessionIdle;
            o.SlidingExpiration = true;
            o.LoginPath = $"{Path}/signin";
            o.AccessDeniedPath = $"{Path}/signin";
            o.Events.OnValidatePrincipal = StillAKey;
        });
        builder.Services.AddSingleton<SignInGuard>();
        builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireAssertion(c => c.Resource is HttpContext http && CanRead(http, c.User))));
        return builder;
    }

    public static void MapRiskConsole(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(Path)) SecurityHeaders(http.Response.Headers);
            await next();
        });
        app.MapGet($"{Path}/console.css", () => Results.Text(Stylesheet.Value, "text/css")).AllowAnonymous();
        app.MapRazorPages();
    }

    /// <summary>The key a signed-in session was made with; what it may do is that key's role now.</summary>
    public static ApiRole? Role(HttpContext http, ClaimsPrincipal user)
    {
        if (!http.RequestServices.GetRequiredService<ApiKeys>().Enabled) return ApiRole.Admin;
        return user.Identity?.IsAuthenticated == true && Enum.TryParse<ApiRole>(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;
    }

    public static bool CanRead(HttpContext http, ClaimsPrincipal user) => Role(http, user) is ApiRole.Analyst or ApiRole.Admin;

    public static bool IsAdmin(HttpContext http, ClaimsPrincipal user) => Role(http, user) is ApiRole.Admin;

    /// <summary>The name the console records for what a user does: their key's, or this host's without keys.</summary>
    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? $"key:{name}" : "console:loopback";

    /// <summary>The principal of a session for <paramref name="key"/>.</summary>
    public static ClaimsPrincipal Principal(ApiKey key) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.Name, key.Name),
        new Claim(ClaimTypes.Role, key.Role.ToString()),
        new Claim(DigestClaim, Convert.ToHexString(key.Digest)),
    ], Scheme));

    /// <summary>A session whose key was removed, or given another role, ends at its next request.</summary>
    private static async Task StillAKey(CookieValidatePrincipalContext context)
    {
        var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeys>();
        if (!keys.Enabled) return;
        var digest = context.Principal?.FindFirstValue(DigestClaim);
        var key = digest is { Length: 64 } ? keys.WithDigest(Convert.FromHexString(digest)) : null;
        if (key is not null && key.Role.ToString() == context.Principal!.FindFirstValue(ClaimTypes.Role)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Scheme);
    }

    /// <summary>
    /// Nothing but the console's own stylesheet and forms: no script at all, no frame, no referrer leaving with an
    /// account id in it.
    /// </summary>
    private static void SecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(ConsoleSetup).Assembly.GetManifestResourceStream("Risk.Silo.OpsConsole.console.css")
            ?? throw new InvalidOperationException("the console's stylesheet is not embedded");
        return new StreamReader(stream).ReadToEnd();
    });
}
