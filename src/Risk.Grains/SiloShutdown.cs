using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Risk.Grains;

/// <summary>
/// What a grain going with its silo may still tell others. On a silo's way down its grains are deactivated all at
/// once, and its own client (the gateway the silo hosts for HTTP) is gone first: a message to either can only
/// fail, and Orleans logs each failure with its retries.
/// </summary>
internal static class SiloShutdown
{
    public static bool IsShuttingDown(DeactivationReason reason) => reason.ReasonCode == DeactivationReasonCode.ShuttingDown;

    /// <summary>Whether another silo is active, and may host the grains this one would tell.</summary>
    public static bool OthersActive(IServiceProvider services)
    {
        var self = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        return services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(self));
    }

    /// <summary>Whether <paramref name="observer"/> lives in the client this silo hosts (its id is "hosted-" and the silo's address).</summary>
    public static bool IsHostedHere(IAddressable observer, IServiceProvider services) =>
        observer.GetGrainId().Key.ToString()!.StartsWith(
            "hosted-" + services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString(), StringComparison.Ordinal);
}
