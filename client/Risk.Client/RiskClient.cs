using Risk.Contracts;

namespace Risk.Client;

/// <summary>What a gateway or a tool asks of the cluster. Thin: every call is one grain call.</summary>
public sealed class RiskClient(IGrainFactory grains)
{
    private IPolicyGrain Policy => grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default);

    /// <summary>Sends one batch; returns when every accepted event has been applied.</summary>
    public Task<IngestReceipt> Send(IReadOnlyList<RiskEvent> batch) => grains.GetGrain<IIngestGrain>(0).Ingest(batch);

    public Task<Decision> Decide(string account, string? ip = null, string? proxy = null) =>
        grains.GetGrain<IDecisionGrain>(0).Decide(account, ip, proxy);

    public Task<AccountVerdict> Verdict(string account) => grains.Grain<IAccountGrain>(GrainKeys.Account(account)).GetVerdict();

    public Task<AccountExplanation> Explain(string account) => grains.Grain<IAccountGrain>(GrainKeys.Account(account)).Explain();

    public Task<RiskPolicy> GetPolicy() => Policy.Get();

    public Task<RiskPolicy> SetPolicy(string key, double value, string actor) => Policy.Set(key, value, actor);

    public Task<IReadOnlyList<PolicyChange>> PolicyHistory(int max = 100) => Policy.History(max);

    public Task<RiskPolicy> SetOverride(EntityKind kind, string id, OverrideAction action, string actor, DateTime? expires = null) =>
        Policy.SetOverride(kind, id, action, actor, expires: expires);
}
