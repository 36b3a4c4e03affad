using System.Security.Claims;
using System.Text.Json;
using Risk.Contracts;
using Risk.Edge;
using Microsoft.Extensions.Options;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>
/// The policy and overrides over HTTP: reading for analysts and admins, changing for admins. The actor recorded in
/// the policy history is the key's name, never what the caller says it is.
/// </summary>
public static class AdminApi
{
    public static void MapAdminApi(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        app.MapGet("/v1/policy", GetPolicy).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
        app.MapGet("/v1/policy/history", History).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
        app.MapPost("/v1/policy", ChangePolicy).Allow(keys, ApiRole.Admin);
        app.MapPost("/v1/overrides", SetOverride).Allow(keys, ApiRole.Admin);
    }

    internal static IPolicyGrain Policy(IGrainFactory grains) => grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default);

    /// <summary>The silos' admin secret, which this endpoint may attach: it has checked an admin key already.</summary>
    internal static string? Secret(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<AdminSecretOptions>>().Value.AdminSecret is { Length: > 0 } s ? s : null;

    /// <summary>The key's name; without keys the API is on loopback only, and its caller is this host's.</summary>
    internal static string Actor(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? $"key:{name}" : "http:loopback";

    private static async Task<IResult> GetPolicy(IGrainFactory grains) => Results.Json(PolicyJson.Policy(await Policy(grains).Get()), Wire.Json);

    private static async Task<IResult> History(IGrainFactory grains, int? max)
    {
        var changes = await Policy(grains).History(Math.Clamp(max ?? 50, 0, 1000));
        return Results.Json(changes.Select(c => new
        {
            version = c.Version, at = Wire.Time(c.At), what = c.What, oldValue = c.OldValue, newValue = c.NewValue,
            actor = c.Actor, reason = c.Reason,
        }), Wire.Json);
    }

    public sealed record PolicyChangeBody(Dictionary<string, double>? Set, string? Reason);

    private static async Task<IResult> ChangePolicy(HttpRequest request, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (await Read<PolicyChangeBody>(request) is not { Set: { Count: > 0 } set } body)
            return Results.Problem("expected {\"set\": {KEY: VALUE, ...}, \"reason\": \"...\"}", statusCode: 400);
        try
        {
            var policy = await AdminCall.With(Secret(request), () => Policy(grains).Change(set, Actor(user), body.Reason));
            return Results.Json(new { version = policy.Version }, Wire.Json);
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: 400);
        }
    }

    public sealed record OverrideBody(string? Kind, string? Id, string? Action, string? Reason, DateTimeOffset? Expires);

    private static async Task<IResult> SetOverride(HttpRequest request, IGrainFactory grains, ClaimsPrincipal user)
    {
        var body = await Read<OverrideBody>(request);
        EntityKind? kind = body?.Kind switch { "account" => EntityKind.Account, "ip" => EntityKind.Ip, "proxy" => EntityKind.Proxy, _ => null };
        OverrideAction? action = body?.Action switch { "block" => OverrideAction.Block, "allow" => OverrideAction.Allow, "clear" => OverrideAction.None, _ => null };
        if (body?.Id is null || kind is null || action is null)
            return Results.Problem("expected {\"kind\": \"account|ip|proxy\", \"id\": \"...\", \"action\": \"block|allow|clear\", \"reason\": \"...\", \"expires\": \"ISO-8601 time, optional\"}", statusCode: 400);
        try
        {
            var policy = await AdminCall.With(Secret(request), () => Policy(grains).SetOverride(kind.Value, body.Id, action.Value, Actor(user), body.Reason, body.Expires?.UtcDateTime));
            return Results.Json(new { version = policy.Version }, Wire.Json);
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: 400);
        }
    }

    internal static async Task<T?> Read<T>(HttpRequest request) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Wire.Json, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
