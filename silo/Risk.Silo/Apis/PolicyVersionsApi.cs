using System.Security.Claims;
using Risk.Contracts;
using Risk.Edge;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>The policy's versions: their settings, the differences between two, and bringing one back.</summary>
public static class PolicyVersionsApi
{
    public static void MapPolicyVersionsApi(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        app.MapGet("/v1/policy/versions", Versions).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
        app.MapGet("/v1/policy/versions/{version:long}", At).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
        app.MapGet("/v1/policy/diff", Diff).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
        app.MapPost("/v1/policy/rollback", Rollback).Allow(keys, ApiRole.Admin);
    }

    private static async Task<IResult> Versions(IGrainFactory grains, int? max) =>
        Results.Json(PolicyJson.Versions(await AdminApi.Policy(grains).Versions(Math.Clamp(max ?? 20, 0, 1000))), PolicyJson.Options);

    private static Task<IResult> At(IGrainFactory grains, long version) => Refusing(async () =>
    {
        var policy = await AdminApi.Policy(grains).At(version);
        return Results.Json(new { version = policy.Version, settings = PolicyJson.Settings(policy) }, PolicyJson.Options);
    });

    private static Task<IResult> Diff(IGrainFactory grains, long? from, long? to) => Refusing(async () =>
    {
        if (from is null || to is null) throw new ArgumentException("expected ?from=VERSION&to=VERSION");
        var policy = AdminApi.Policy(grains);
        return Results.Json(PolicyJson.Diff(await policy.At(from.Value), await policy.At(to.Value)), PolicyJson.Options);
    });

    public sealed record RollbackBody(long? Version, string? Reason);

    private static async Task<IResult> Rollback(HttpRequest request, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (await AdminApi.Read<RollbackBody>(request) is not { Version: { } version } body)
            return Results.Problem("expected {\"version\": N, \"reason\": \"...\"}", statusCode: 400);
        return await Refusing(async () =>
        {
            var policy = await AdminCall.With(AdminApi.Secret(request), () => AdminApi.Policy(grains).Rollback(version, AdminApi.Actor(user), body.Reason));
            return Results.Json(new { version = policy.Version }, PolicyJson.Options);
        });
    }

    /// <summary>The grain's refusals (a version it cannot rebuild, nothing to change) are the caller's to fix: 400 with why.</summary>
    internal static async Task<IResult> Refusing(Func<Task<IResult>> answer)
    {
        try
        {
            return await answer();
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: 400);
        }
    }
}
