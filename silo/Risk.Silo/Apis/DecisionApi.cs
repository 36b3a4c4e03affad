using System.Globalization;
using Risk.Client.Gateway;
using Risk.Edge;
using Risk.Contracts;
using Risk.Grains;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>GET /v1/decision for gateways and analysts, and GET /v1/authz for gateways' auth subrequests.</summary>
public static class DecisionApi
{
    public const string AccountHeader = "X-Risk-Account";
    public const string ProxyHeader = "X-Risk-Proxy";

    public static void MapDecisionApi(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        app.MapGet("/v1/decision", Decision).Allow(keys, ApiRole.Gateway, ApiRole.Analyst, ApiRole.Admin);
        app.MapGet("/v1/authz", Authz).Allow(keys, ApiRole.Gateway, ApiRole.Admin);
    }

    private static async Task<IResult> Decision(string? account, string? ip, string? proxy, RiskGateway gateway)
    {
        try
        {
            var decision = await gateway.Decide(account ?? "", HttpExtensions.Blank(ip), HttpExtensions.Blank(proxy));
            return Results.Text(Wire.DecisionJson(decision), "application/json");
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: 400);
        }
    }

    /// <summary>
    /// nginx auth_request, Envoy ext_authz (HTTP) and Traefik ForwardAuth: allow → 200, challenge and block → 403,
    /// throttle → 429 with Retry-After. Every answer carries the X-Risk-* headers. nginx treats a 429 from the auth
    /// subrequest as an error; deploy/nginx shows how to pass it on.
    /// </summary>
    private static async Task<IResult> Authz(HttpContext http, RiskGateway gateway, PolicyCache policies)
    {
        var (account, ip, proxy) = HttpExtensions.Requester(http.Request.Headers);
        if (account is null)
        {
            http.Response.Headers["X-Risk-Reasons"] = "missing_account";
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }
        Decision decision;
        try
        {
            decision = await gateway.Decide(account, ip, proxy);
        }
        catch (ArgumentException e)
        {
            http.Response.Headers["X-Risk-Reasons"] = "bad_request";
            return Results.Problem(e.Message, statusCode: 400);
        }
        var response = http.Response.Headers;
        response["X-Risk-Action"] = Wire.Action(decision.Action);
        response["X-Risk-Score"] = decision.Score.ToString(CultureInfo.InvariantCulture);
        response["X-Risk-Reasons"] = string.Join(',', decision.Reasons);
        response["X-Risk-Policy-Version"] = decision.PolicyVersion.ToString(CultureInfo.InvariantCulture);
        switch (decision.Action)
        {
            case DecisionAction.Allow:
                return Results.Ok();
            case DecisionAction.Throttle:
                var policy = await policies.Get();
                response.RetryAfter = ((int)policy[Knobs.ThrottleRetryAfterSeconds]).ToString(CultureInfo.InvariantCulture);
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            default:
                return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
    }
}
