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

    public Task<RiskPolicy> ChangePolicy(IReadOnlyDictionary<string, double> settings, string actor, string? reason = null) =>
        Policy.Change(settings, actor, reason);

    public Task<IReadOnlyList<PolicyChange>> PolicyHistory(int max = 100) => Policy.History(max);

    public Task<PolicyVersions> PolicyVersions(int max) => Policy.Versions(max);

    public Task<RiskPolicy> PolicyAt(long version) => Policy.At(version);

    public Task<RiskPolicy> RollbackPolicy(long version, string actor, string? reason) => Policy.Rollback(version, actor, reason);

    public Task<ShadowPolicy> SetShadow(IReadOnlyDictionary<string, double> settings, string actor, string? reason) => Policy.SetShadow(settings, actor, reason);

    public Task<ShadowPolicy?> ClearShadow(string actor, string? reason) => Policy.ClearShadow(actor, reason);

    /// <summary>The latest shadow and what gateways reported of it so far; null if none was ever set.</summary>
    public async Task<(ShadowPolicy Shadow, ShadowCounts Counts)?> ShadowReport()
    {
        if (await Policy.GetShadow() is not { } shadow) return null;
        return (shadow, await grains.GetGrain<IShadowReportGrain>(IPolicyGrain.Default).Get(shadow.Id));
    }

    public Task<RiskPolicy> SetOverride(EntityKind kind, string id, OverrideAction action, string actor, DateTime? expires = null) =>
        Policy.SetOverride(kind, id, action, actor, expires: expires);
}
