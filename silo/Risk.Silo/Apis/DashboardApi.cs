using Orleans.Dashboard;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>
/// The Orleans Dashboard at /dashboard, on the silo's own Kestrel: silos, grain activations and calls, and the state of
/// any grain and a live copy of the log, so admin keys only. Every route it maps (page, scripts, fonts, JSON) sits in one
/// route group, and the role check is on the group. A browser sends no bearer key by itself: reach it through a proxy
/// that adds one (docs/OPERATIONS.md), or on loopback when the API takes no keys.
/// </summary>
public static class DashboardApi
{
    public const string Path = "/dashboard";

    private static bool Enabled(IConfiguration configuration) =>
        (configuration.GetSection(RiskHostOptions.Section).Get<RiskHostOptions>() ?? new()).Dashboard;

    public static WebApplicationBuilder AddRiskDashboard(this WebApplicationBuilder builder)
    {
        // The same silo builder as AddRiskSilo's: UseOrleans again adds to it.
        if (Enabled(builder.Configuration)) builder.UseOrleans(silo => silo.AddDashboard());
        return builder;
    }

    public static void MapDashboardApi(this WebApplication app)
    {
        if (!Enabled(app.Configuration)) return;
        var dashboard = app.MapOrleansDashboard(Path);
        // Whatever else is asked under the path (another file, another verb) falls to one route of its own: a 404 for an
        // admin key, and the same 401 or 403 as every route of it for any other caller.
        dashboard.Map("/{**rest}", () => Results.NotFound());
        dashboard.Allow(app.Services.GetRequiredService<ApiKeys>(), ApiRole.Admin);
    }
}
