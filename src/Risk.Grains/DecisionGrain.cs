using System.Diagnostics;
using Risk.Contracts;

namespace Risk.Grains;

/// <summary>Reads the account, IP and proxy in parallel and applies the silo's cached policy.</summary>
[StatelessWorker]
public sealed class DecisionGrain(PolicyCache policies) : Grain, IDecisionGrain
{
    public async Task<Decision> Decide(string account, string? ip, string? proxy)
    {
        var canonicalIp = DecisionRules.CanonicalRequest(account, ip, proxy);
        var accountRisk = GrainFactory.Grain<IAccountGrain>(GrainKeys.Account(account)).GetRisk();
        var ipRisk = canonicalIp is null ? Task.FromResult<EntityRisk?>(null) : GetRisk<IIpGrain>(GrainKeys.CanonicalIp(canonicalIp));
        var proxyRisk = string.IsNullOrEmpty(proxy) ? Task.FromResult<EntityRisk?>(null) : GetRisk<IProxyGrain>(GrainKeys.Proxy(proxy));
        var (a, i, p) = (await accountRisk, await ipRisk, await proxyRisk);
        // An entity on a silo that heard of a change first weighs under it; the decision goes with the newest.
        var policy = await policies.Get(Math.Max(a.PolicyVersion, Math.Max(i?.PolicyVersion ?? 0, p?.PolicyVersion ?? 0)));
        var decision = DecisionRules.Decide(policy, a, i, p);
        RiskMetrics.Decisions.Add(1, new TagList { { "action", decision.Action.ToString().ToLowerInvariant() } });
        return decision;
    }

    private async Task<EntityRisk?> GetRisk<TGrain>(string key) where TGrain : INetworkGrain =>
        await GrainFactory.Grain<TGrain>(key).GetRisk();
}
