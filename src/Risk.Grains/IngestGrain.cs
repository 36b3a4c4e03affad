using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>
/// Validates a batch, groups it per entity and fans it out: first the IPs and proxies (whose risk is the
/// context of the accounts behind them), then the accounts. One call per entity per batch.
/// </summary>
[StatelessWorker]
public sealed partial class IngestGrain(PolicyCache policies, ILogger<IngestGrain> log) : Grain, IIngestGrain
{
    public async Task<IngestReceipt> Ingest(IReadOnlyList<RiskEvent> batch)
    {
        var policy = await policies.Get();
        var now = DateTime.UtcNow;
        var rejections = new List<Rejection>();
        var accounts = new Dictionary<string, List<(int Index, RiskEvent Event)>>();
        var ips = new Dictionary<string, List<NetworkSighting>>();
        var proxies = new Dictionary<string, List<NetworkSighting>>();

        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            var problem = e is null ? "event: null" : EventRules.Check(e, now);
            if (problem is not null)
            {
                rejections.Add(new Rejection(i, problem));
                continue;
            }
            e = e! with { Ip = GrainKeys.NormalizeIp(e.Ip)! };
            var isNew = e.AccountCreated is { } created && e.Ts - created < TimeSpan.FromDays(policy["account.new_days"]);
            var sighting = new NetworkSighting(e.Ts, StableHash64.Of("account", e.Account), isNew,
                e.Prompt?.SimHash ?? 0, e.Ja4 is null ? 0 : StableHash64.Of("ja4", e.Ja4));
            Group(accounts, GrainKeys.Account(e.Account), (i, e));
            Group(ips, GrainKeys.Ip(e.Ip), sighting);
            if (e.Proxy is { } proxy) Group(proxies, GrainKeys.Proxy(proxy), sighting);
        }

        var launchesTask = Launches(accounts);
        var ipTask = ObserveAll<IIpGrain>(ips);
        var proxyTask = ObserveAll<IProxyGrain>(proxies);
        var (ipRisk, proxyRisk, launches) = (await ipTask, await proxyTask, await launchesTask);

        var applied = accounts.Select(async pair =>
        {
            var events = pair.Value;
            var last = events[^1].Event;
            var context = new AccountBatch(
                events.Select(x => x.Event).ToArray(),
                ipRisk.GetValueOrDefault(GrainKeys.Ip(last.Ip)),
                last.Proxy is null ? null : proxyRisk.GetValueOrDefault(GrainKeys.Proxy(last.Proxy)),
                launches);
            try
            {
                var status = await GrainFactory.GetGrain<IAccountGrain>(pair.Key).Observe(context);
                return (Status: status, Failed: Array.Empty<Rejection>());
            }
            catch (Exception ex)
            {
                LogAccountFailed(ex, pair.Key);
                return (Status: (AccountStatus?)null, Failed: events.Select(x => new Rejection(x.Index, $"not applied: {ex.GetType().Name}")).ToArray());
            }
        }).ToArray();
        var results = await Task.WhenAll(applied);
        var statuses = new Dictionary<string, AccountStatus>(accounts.Count);
        var keys = accounts.Keys.ToArray();
        for (var i = 0; i < results.Length; i++)
        {
            rejections.AddRange(results[i].Failed);
            if (results[i].Status is { } status) statuses[keys[i]] = status;
        }
        TellMembers<IIpGrain>(accounts, statuses, e => GrainKeys.Ip(e.Ip));
        TellMembers<IProxyGrain>(accounts, statuses, e => e.Proxy is null ? null : GrainKeys.Proxy(e.Proxy));

        foreach (var r in rejections) RiskMetrics.EventsRejected.Add(1, new TagList { { "field", r.Reason.Split(':')[0] } });
        var accepted = batch.Count - rejections.Count;
        RiskMetrics.EventsAccepted.Add(accepted);
        rejections.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new IngestReceipt(accepted, rejections);
    }

    /// <summary>The launch times of the batch's models that count as newly launched; advisory like network context.</summary>
    private async Task<IReadOnlyDictionary<string, DateTime>?> Launches(Dictionary<string, List<(int Index, RiskEvent Event)>> accounts)
    {
        var firstSeen = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var (_, e) in accounts.Values.SelectMany(x => x))
            if (e.Model is { } model && (!firstSeen.TryGetValue(model, out var ts) || e.Ts < ts)) firstSeen[model] = e.Ts;
        if (firstSeen.Count == 0) return null;
        try
        {
            var launches = await GrainFactory.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Default).Observe(firstSeen);
            return launches.Count == 0 ? null : launches;
        }
        catch (Exception ex)
        {
            LogNetworkFailed(ex, nameof(IModelCatalogGrain), IModelCatalogGrain.Default);
            return null;
        }
    }

    /// <summary>
    /// Network context is advisory: if an IP or proxy grain fails, its accounts are still applied without it.
    /// </summary>
    private async Task<Dictionary<string, EntityRisk>> ObserveAll<TGrain>(Dictionary<string, List<NetworkSighting>> groups)
        where TGrain : INetworkGrain
    {
        var calls = groups.Select(async pair =>
        {
            try { return (pair.Key, Risk: await GrainFactory.GetGrain<TGrain>(pair.Key).Observe(pair.Value)); }
            catch (Exception ex)
            {
                LogNetworkFailed(ex, typeof(TGrain).Name, pair.Key);
                return (pair.Key, Risk: (EntityRisk?)null);
            }
        });
        var results = await Task.WhenAll(calls);
        return results.Where(r => r.Risk is not null).ToDictionary(r => r.Key, r => r.Risk!);
    }

    /// <summary>Tells each IP or proxy how the accounts it carried in this batch stand now. One-way.</summary>
    private void TellMembers<TGrain>(Dictionary<string, List<(int Index, RiskEvent Event)>> accounts, Dictionary<string, AccountStatus> statuses, Func<RiskEvent, string?> keyOf)
        where TGrain : INetworkGrain
    {
        var members = new Dictionary<string, List<MemberStatus>>();
        foreach (var (accountKey, events) in accounts)
        {
            if (!statuses.TryGetValue(accountKey, out var status)) continue;
            var hash = StableHash64.Of("account", events[0].Event.Account);
            foreach (var group in events.GroupBy(x => keyOf(x.Event)))
                if (group.Key is { } networkKey)
                    Group(members, networkKey, new MemberStatus(hash, group.Count(), status.OwnFlagged, status.Cluster));
        }
        foreach (var (key, list) in members) _ = GrainFactory.GetGrain<TGrain>(key).NoteMembers(list);
    }

    private static void Group<T>(Dictionary<string, List<T>> groups, string key, T item)
    {
        if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
        list.Add(item);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Events for account {AccountKey} were not applied")]
    private partial void LogAccountFailed(Exception e, string accountKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} {Key} failed; accounts were applied without that context")]
    private partial void LogNetworkFailed(Exception e, string grain, string key);
}
