using Orleans.Runtime;
using Risk.Contracts;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>
/// /healthz: the process answers. /readyz: the silo is an active member of its cluster and storage answers. Both stay
/// open when the API takes keys (probes carry none), so neither says more than what failed. /metrics: the silo's
/// meters in Prometheus' text format, for an analyst or admin key (they name the keys that post events).
/// </summary>
public static class HealthApi
{
    public static void MapHealthApi(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", async (Readiness readiness, CancellationToken ct) =>
            await readiness.Check(ct) is { } problem
                ? Results.Text(problem, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text(readiness.Ready));
        app.MapPrometheusScrapingEndpoint("/metrics").Allow(app.Services.GetRequiredService<ApiKeys>(), ApiRole.Analyst, ApiRole.Admin);
    }
}

/// <summary>
/// Readiness: this silo is Active in the membership, hears policy pushes, and a read of the policy through a grain
/// succeeds in time (the policy grain reads storage when it activates).
/// <para>
/// Storage that has gone away since (<see cref="Risk.Grains.StorageBreaker"/>) leaves the silo ready, and says so: it
/// still ingests and decides from what it holds, and an outage of storage fails every silo's check at once, which would
/// take them all out of service and leave gateways to their fail mode.
/// </para>
/// </summary>
public sealed class Readiness(IClusterMembershipService membership, ILocalSiloDetails silo, IGrainFactory grains, Risk.Grains.PolicyCache policies,
    ILogger<Readiness> log, Risk.Grains.StorageBreaker? storage = null)
{
    /// <summary>The answer of a ready silo.</summary>
    public string Ready => storage?.AwaySince is { } since
        ? $"ready; storage has not answered since {since:u}: changes are held in memory (risk_state_dirty) and written when it answers"
        : "ready";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<string?> Check(CancellationToken ct)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active) return $"silo is {status}, not Active";
        if (!policies.Subscribed.IsCompleted) return "not yet subscribed to policy changes";
        try
        {
            await grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).Get().WaitAsync(Timeout, ct);
            return null;
        }
        catch (TimeoutException)
        {
            return $"the policy grain did not answer within {Timeout.TotalSeconds:0} s: storage or cluster is slow or down";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The exception's text stays in the log: /readyz is open to anyone who reaches the port.
            log.LogWarning(e, "Readiness: reading the policy failed");
            return "reading the policy failed: storage or cluster returned an error (see the silo's log)";
        }
    }
}
