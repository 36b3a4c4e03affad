using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Grains;

/// <summary>An IP address: keyed by its canonical text, escaped (<see cref="GrainKeys.Ip"/>).</summary>
public sealed class IpGrain(
    [PersistentState("ip", RiskGrainOptions.StorageName)] IPersistentState<NetworkState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger<IpGrain> log) : NetworkGrain(state, options, policies, log, EntityKind.Ip), IIpGrain;
