using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>
/// Validates a batch, groups it per entity and fans it out: first the IPs and proxies (whose risk is the
/// context of the accounts behind them), then the accounts. One call per entity per batch.
/// </summary>
[StatelessWorker]
public sealed partial class IngestGrain(PolicyCache policies, IngestSlots slots, ILogger<IngestGrain> log) : Grain, IIngestGrain
{
    public async Task<IngestReceipt> Ingest(EventBatch batch)
    {
        var policy = await policies.Get();
        var now = DateTime.UtcNow;
        var rejections = new List<Rejection>();
        // Grouped by the raw identifiers; grain keys are made once per entity, not per event.
        var accounts = new Dictionary<string, AccountGroup>(StringComparer.Ordinal);
        using var ips = new SightingGroups(batch.Count);
        using var proxies = new SightingGroups(batch.Count);
        var canonicalIps = new CanonicalIps(batch);
        var newFor = TimeSpan.FromDays(policy["account.new_days"]);

        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch.Event(i, out var problem);
            var ip = e is null ? null : canonicalIps.Of(batch.Rows[i].Ip, e.Ip);
            problem ??= EventRules.Check(e!, now, ip);
            if (problem is not null)
            {
                rejections.Add(new Rejection(i, problem));
                continue;
            }
            if (!ReferenceEquals(ip, e!.Ip)) e = e with { Ip = ip! };
            if (!accounts.TryGetValue(e.Account, out var account)) accounts[e.Account] = account = new AccountGroup(e.Account);
            account.Add(i, e);
            var isNew = e.AccountCreated is { } created && e.Ts - created < newFor;
            var sighting = new NetworkSighting(e.Ts, account.Hash, isNew, e.Prompt?.SimHash ?? 0, e.Ja4 is null ? 0 : StableHash64.Of("ja4", e.Ja4));
            ips.Add(ip!, sighting);
            if (e.Proxy is { } proxy) proxies.Add(proxy, sighting);
        }

        var launchesTask = Launches(accounts.Values);
        var ipTask = ObserveAll<IIpGrain>(ips.Groups(), GrainKeys.Ip);
        var proxyTask = ObserveAll<IProxyGrain>(proxies.Groups(), GrainKeys.Proxy);
        var (ipRisk, proxyRisk, launches) = (await ipTask, await proxyTask, await launchesTask);

        var groups = accounts.Values.ToArray();
        await slots.ForEach(groups, async account =>
        {
            var last = account.Events[^1].Event;
            var context = new AccountBatch(
                account.Events.Select(x => x.Event).ToArray(),
                ipRisk.GetValueOrDefault(last.Ip),
                last.Proxy is null ? null : proxyRisk.GetValueOrDefault(last.Proxy),
                launches);
            try
            {
                account.Status = await GrainFactory.Grain<IAccountGrain>(GrainKeys.Account(account.Id)).Observe(context);
            }
            catch (Exception ex)
            {
                LogAccountFailed(ex, account.Id);
                rejections.AddRange(account.Events.Select(x => new Rejection(x.Index, $"not applied: {ex.GetType().Name}")));
            }
        });
        TellMembers<IIpGrain>(groups, e => e.Ip, GrainKeys.Ip);
        TellMembers<IProxyGrain>(groups, e => e.Proxy, GrainKeys.Proxy);

        foreach (var r in rejections) RiskMetrics.EventsRejected.Add(1, new TagList { { "field", r.Reason.Split(':')[0] } });
        var accepted = batch.Count - rejections.Count;
        RiskMetrics.EventsAccepted.Add(accepted);
        rejections.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new IngestReceipt(accepted, rejections);
    }

    /// <summary>One account's events in a batch, and what its grain answered.</summary>
    private sealed class AccountGroup(string id)
    {
        public string Id { get; } = id;
        public ulong Hash { get; } = StableHash64.Of("account", id);
        public List<(int Index, RiskEvent Event)> Events { get; } = [];
        public AccountStatus? Status { get; set; }

        public void Add(int index, RiskEvent e) => Events.Add((index, e));
    }

    /// <summary>The launch times of the batch's models that count as newly launched; advisory like network context.</summary>
    private async Task<IReadOnlyDictionary<string, DateTime>?> Launches(IEnumerable<AccountGroup> accounts)
    {
        var firstSeen = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var (_, e) in accounts.SelectMany(x => x.Events))
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
    private async Task<Dictionary<string, EntityRisk>> ObserveAll<TGrain>(KeyValuePair<string, NetworkSighting[]>[] groups, Func<string, string> keyOf)
        where TGrain : INetworkGrain
    {
        var risks = new Dictionary<string, EntityRisk>(groups.Length, StringComparer.Ordinal);
        await slots.ForEach(groups, async pair =>
        {
            var key = keyOf(pair.Key);
            try { risks[pair.Key] = await GrainFactory.Grain<TGrain>(key).Observe(pair.Value); }
            catch (Exception ex) { LogNetworkFailed(ex, typeof(TGrain).Name, key); }
        });
        return risks;
    }

    /// <summary>
    /// Tells each IP or proxy which of the accounts it carried in this batch are flagged now, and their clusters.
    /// One-way, and only where some are: a crowd of unflagged accounts costs no call (its requests are already
    /// counted by Observe).
    /// </summary>
    private void TellMembers<TGrain>(AccountGroup[] accounts, Func<RiskEvent, string?> networkOf, Func<string, string> keyOf)
        where TGrain : INetworkGrain
    {
        var members = new Dictionary<string, List<MemberStatus>>(StringComparer.Ordinal);
        var requests = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var account in accounts)
        {
            if (account.Status is not { OwnFlagged: true } status) continue;
            requests.Clear();
            foreach (var (_, e) in account.Events)
                if (networkOf(e) is { } network) requests[network] = requests.GetValueOrDefault(network) + 1;
            foreach (var (network, count) in requests)
                Group(members, network, new MemberStatus(account.Hash, count, status.OwnFlagged, status.Cluster));
        }
        foreach (var (network, list) in members) _ = GrainFactory.Grain<TGrain>(keyOf(network)).NoteMembers(list);
    }

    /// <summary>Each distinct IP string of a batch parsed once (parsing allocates), by its index in the batch's strings.</summary>
    private sealed class CanonicalIps(EventBatch batch)
    {
        private readonly string?[] _canonical = new string?[batch.Strings?.Length ?? 0];
        private readonly bool[] _read = new bool[batch.Strings?.Length ?? 0];

        public string? Of(int index, string? text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            if (!_read[index]) (_canonical[index], _read[index]) = (GrainKeys.NormalizeIp(text), true);
            return _canonical[index];
        }
    }

    /// <summary>
    /// A batch's sightings per IP or per proxy, each group in one array of its exact size: a proxy in front of a
    /// hydra carries tens of thousands a batch, and a growing list would leave twice that behind as garbage.
    /// </summary>
    private sealed class SightingGroups(int capacity) : IDisposable
    {
        private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
        private readonly List<int> _counts = [];
        private readonly (int Slot, NetworkSighting Sighting)[] _all = ArrayPool<(int, NetworkSighting)>.Shared.Rent(capacity);
        private int _added;

        public void Add(string key, NetworkSighting sighting)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, key, out var known);
            if (!known)
            {
                slot = _counts.Count;
                _counts.Add(0);
            }
            _counts[slot]++;
            _all[_added++] = (slot, sighting);
        }

        /// <summary>Each key with its sightings in the batch's order.</summary>
        public KeyValuePair<string, NetworkSighting[]>[] Groups()
        {
            var arrays = _counts.Select(n => new NetworkSighting[n]).ToArray();
            var filled = new int[arrays.Length];
            for (var i = 0; i < _added; i++)
            {
                var (slot, sighting) = _all[i];
                arrays[slot][filled[slot]++] = sighting;
            }
            return _slots.Select(pair => KeyValuePair.Create(pair.Key, arrays[pair.Value])).ToArray();
        }

        public void Dispose() => ArrayPool<(int, NetworkSighting)>.Shared.Return(_all);
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
