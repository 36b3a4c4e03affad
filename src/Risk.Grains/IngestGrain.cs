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
/// <remarks>
/// Issue 5: a batch is in flight for longer than the silo runs between two collections, so whatever it holds for
/// its whole length is promoted, copied and collected again later. So a batch holds numbers for its length (each
/// account's rows, its hash and its answer): an account's events are read from the rows when its call is made, and
/// the sightings are dropped once the IPs and proxies have answered. Each event is thus read twice, once to validate
/// and group it and once for its call. Both copies die young, and `--quick` ingest was no slower for it.
/// </remarks>
[StatelessWorker]
public sealed partial class IngestGrain(PolicyCache policies, IngestSlots slots, ILogger<IngestGrain> log) : Grain, IIngestGrain
{
    public async Task<IngestReceipt> Ingest(EventBatch batch)
    {
        var policy = await policies.Get();
        var rejections = new List<Rejection>();
        var canonicalIps = new CanonicalIps(batch);
        var (groups, context) = await ObserveNetworks(batch, canonicalIps, policy, rejections);

        await slots.ForEach(groups, async account =>
        {
            var events = account.Rows.Select(i => Read(batch, canonicalIps, i)).ToArray();
            var last = events[^1];
            var batchContext = new AccountBatch(
                events,
                context.Ips.GetValueOrDefault(last.Ip),
                last.Proxy is null ? null : context.Proxies.GetValueOrDefault(last.Proxy),
                context.Launches);
            try
            {
                account.Status = await GrainFactory.Grain<IAccountGrain>(GrainKeys.Account(account.Id)).Observe(batchContext);
            }
            catch (Exception ex)
            {
                LogAccountFailed(ex, account.Id);
                rejections.AddRange(account.Rows.Select(i => new Rejection(i, $"not applied: {ex.GetType().Name}")));
            }
        });
        TellMembers<IIpGrain>(groups, canonicalIps.Of, GrainKeys.Ip);
        TellMembers<IProxyGrain>(groups, ProxyOf, GrainKeys.Proxy);

        string? ProxyOf(int row) => batch.Rows[row].Proxy == 0 ? null : batch.Strings![batch.Rows[row].Proxy];

        foreach (var r in rejections) RiskMetrics.EventsRejected.Add(1, new TagList { { "field", r.Reason.Split(':')[0] } });
        var accepted = batch.Count - rejections.Count;
        RiskMetrics.EventsAccepted.Add(accepted);
        rejections.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new IngestReceipt(accepted, rejections);
    }

    /// <summary>
    /// Validates every row, groups the valid ones per account, and tells each IP and proxy of the batch what it
    /// carried; returns the accounts and the context their calls take. The sightings die with this call.
    /// </summary>
    private async Task<(AccountGroup[] Accounts, NetworkContext Context)> ObserveNetworks(EventBatch batch, CanonicalIps canonicalIps,
        PolicyView policy, List<Rejection> rejections)
    {
        var now = DateTime.UtcNow;
        var newFor = TimeSpan.FromDays(policy["account.new_days"]);
        // Grouped by the raw identifiers; grain keys are made once per entity, not per event.
        var accounts = new Dictionary<string, AccountGroup>(StringComparer.Ordinal);
        var firstSeen = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        using var ips = new SightingGroups(batch.Count);
        using var proxies = new SightingGroups(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch.Event(i, out var problem);
            var ip = e is null ? null : canonicalIps.Of(i);
            problem ??= EventRules.Check(e!, now, ip);
            if (problem is not null)
            {
                rejections.Add(new Rejection(i, problem));
                continue;
            }
            if (!accounts.TryGetValue(e!.Account, out var account)) accounts[e.Account] = account = new AccountGroup(e.Account);
            account.Rows.Add(i);
            if (e.Model is { } model && (!firstSeen.TryGetValue(model, out var ts) || e.Ts < ts)) firstSeen[model] = e.Ts;
            var isNew = e.AccountCreated is { } created && e.Ts - created < newFor;
            var sighting = new NetworkSighting(e.Ts, account.Hash, isNew, e.Prompt?.SimHash ?? 0, e.Ja4 is null ? 0 : StableHash64.Of("ja4", e.Ja4));
            ips.Add(ip!, sighting);
            if (e.Proxy is { } proxy) proxies.Add(proxy, sighting);
        }

        var launchesTask = Launches(firstSeen);
        var ipTask = ObserveAll<IIpGrain>(ips.Groups(), GrainKeys.Ip);
        var proxyTask = ObserveAll<IProxyGrain>(proxies.Groups(), GrainKeys.Proxy);
        return ([.. accounts.Values], new NetworkContext(await ipTask, await proxyTask, await launchesTask));
    }

    /// <summary>Row <paramref name="i"/> (valid, as <see cref="ObserveNetworks"/> found it) as an event with its canonical IP.</summary>
    private static RiskEvent Read(EventBatch batch, CanonicalIps canonicalIps, int i)
    {
        var e = batch.Event(i, out _)!;
        var ip = canonicalIps.Of(i)!;
        return ReferenceEquals(ip, e.Ip) ? e : e with { Ip = ip };
    }

    /// <summary>What the IPs, proxies and model catalogue answered for a batch: the context of its accounts.</summary>
    private sealed record NetworkContext(
        Dictionary<string, EntityRisk> Ips,
        Dictionary<string, EntityRisk> Proxies,
        IReadOnlyDictionary<string, DateTime>? Launches);

    /// <summary>One account's rows in a batch, and what its grain answered.</summary>
    private sealed class AccountGroup(string id)
    {
        public string Id { get; } = id;
        public ulong Hash { get; } = StableHash64.Of("account", id);
        public List<int> Rows { get; } = [];
        public AccountStatus? Status { get; set; }
    }

    /// <summary>The launch times of the batch's models that count as newly launched; advisory like network context.</summary>
    private async Task<IReadOnlyDictionary<string, DateTime>?> Launches(Dictionary<string, DateTime> firstSeen)
    {
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
    private void TellMembers<TGrain>(AccountGroup[] accounts, Func<int, string?> networkOf, Func<string, string> keyOf)
        where TGrain : INetworkGrain
    {
        var members = new Dictionary<string, List<MemberStatus>>(StringComparer.Ordinal);
        var requests = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var account in accounts)
        {
            if (account.Status is not { OwnFlagged: true } status) continue;
            requests.Clear();
            foreach (var row in account.Rows)
                if (networkOf(row) is { } network) requests[network] = requests.GetValueOrDefault(network) + 1;
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

        /// <summary>The IP of row <paramref name="row"/>, whose strings are in the batch (<see cref="EventBatch.Event"/> read it).</summary>
        public string? Of(int row)
        {
            var index = batch.Rows[row].Ip;
            if (index == 0 || string.IsNullOrEmpty(batch.Strings![index])) return null;
            if (!_read[index]) (_canonical[index], _read[index]) = (GrainKeys.NormalizeIp(batch.Strings[index]!), true);
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
