using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Grains;

/// <summary>An identified intermediary: a relay or reseller, a corporate or campus gateway, a VPN.</summary>
public sealed class ProxyGrain(
    [PersistentState("proxy", RiskGrainOptions.StorageName)] IPersistentState<NetworkState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger<ProxyGrain> log) : NetworkGrain(state, options, policies, log, EntityKind.Proxy), IProxyGrain;
