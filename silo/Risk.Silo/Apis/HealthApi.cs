using Orleans.Runtime;
using Risk.Contracts;

namespace Risk.Silo.Apis;

/// <summary>/healthz: the process answers. /readyz: the silo is an active member of its cluster and storage answers.</summary>
public static class HealthApi
{
    public static void MapHealthApi(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", async (Readiness readiness, CancellationToken ct) =>
            await readiness.Check(ct) is { } problem
                ? Results.Text(problem, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ready"));
    }
}

/// <summary>
/// Readiness: this silo is Active in the membership, hears policy pushes, and a read of the policy through a grain
/// succeeds in time (the policy grain reads storage when it activates).
/// </summary>
public sealed class Readiness(IClusterMembershipService membership, ILocalSiloDetails silo, IGrainFactory grains, Risk.Grains.PolicyCache policies)
{
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
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return $"storage or cluster did not answer: {e.GetBaseException().Message}";
        }
    }
}
