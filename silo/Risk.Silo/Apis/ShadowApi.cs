using System.Security.Claims;
using Risk.Client.Gateway;
using Risk.Contracts;
using Risk.Edge;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>The shadow policy: a candidate every decision is also made under, and what would have changed.</summary>
public static class ShadowApi
{
    public static void MapShadowApi(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        app.MapPost("/v1/policy/shadow", Set).Allow(keys, ApiRole.Admin);
        app.MapDelete("/v1/policy/shadow", Clear).Allow(keys, ApiRole.Admin);
        app.MapGet("/v1/policy/shadow/report", Report).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
    }

    private static async Task<IResult> Set(HttpRequest request, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (await AdminApi.Read<AdminApi.PolicyChangeBody>(request) is not { Set: { Count: > 0 } set } body)
            return Results.Problem("expected {\"set\": {KEY: VALUE, ...}, \"reason\": \"...\"}", statusCode: 400);
        return await PolicyVersionsApi.Refusing(async () =>
        {
            var shadow = await AdminCall.With(AdminApi.Secret(request), () => AdminApi.Policy(grains).SetShadow(set, AdminApi.Actor(user), body.Reason));
            return Results.Json(PolicyJson.Shadow(shadow), PolicyJson.Options);
        });
    }

    private static async Task<IResult> Clear(HttpRequest request, IGrainFactory grains, ClaimsPrincipal user, string? reason)
    {
        var ended = await AdminCall.With(AdminApi.Secret(request), () => AdminApi.Policy(grains).ClearShadow(AdminApi.Actor(user), reason));
        return ended is null ? Results.Problem("no shadow policy is in force", statusCode: 404) : Results.Json(PolicyJson.Shadow(ended), PolicyJson.Options);
    }

    private static async Task<IResult> Report(IGrainFactory grains, RiskGateway gateway)
    {
        if (await AdminApi.Policy(grains).GetShadow() is not { } shadow) return Results.Problem("no shadow policy was ever set", statusCode: 404);
        // This silo's own counts are sent first, so decisions it just answered are in; other gateways' arrive within their report interval.
        await gateway.ReportShadow();
        var counts = await grains.GetGrain<IShadowReportGrain>(IPolicyGrain.Default).Get(shadow.Id);
        return Results.Json(PolicyJson.ShadowReport(shadow, counts), PolicyJson.Options);
    }
}
