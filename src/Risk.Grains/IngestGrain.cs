using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>
/// Validates a batch, groups it per entity and fans it out: first the IPs and proxies (whose risk is the
/// context of the accounts behind them), then the accounts. One call per entity per batch.
/// </summary>
/// <remarks>
/// A batch is in flight for longer than the silo runs between two collections, so whatever it holds for its whole
/// length is promoted, copied and collected again later. So a batch holds numbers for its length (each account's
/// rows, its hash and its answer): rows are validated and grouped in place, an event object is made for a row only
/// when its account's call is made, and the sightings are dropped once the IPs and proxies have answered. Each
/// distinct address of a batch is parsed once, into the canonical form that its events and its grain key carry.
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
            var events = account.Rows.Select(i => batch.ToEvent(i, canonicalIps.Of(i)!)).ToArray();
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
                // A silo leaving or dying fails the calls it was to take: routine while the cluster changes, and the
                // sender sends them again. Anything else is a fault.
                if (ex is OrleansMessageRejectionException or TimeoutException) LogAccountUnreachable(ex.GetType().Name, account.Id);
                else LogAccountFailed(ex, account.Id);
                rejections.AddRange(account.Rows.Select(i => new Rejection(i, $"not applied: {ex.GetType().Name}")));
            }
        });
        TellMembers<IIpGrain>(groups, canonicalIps.Of, GrainKeys.CanonicalIp);
        TellMembers<IProxyGrain>(groups, ProxyOf, GrainKeys.Proxy);

        string? ProxyOf(int row) => batch.Rows[row].Proxy == 0 ? null : batch.Strings[batch.Rows[row].Proxy];

        var duplicates = 0;
        foreach (var account in groups)
            foreach (var skipped in account.Status?.Skipped ?? [])
                if (skipped.Duplicate) duplicates++;
                else rejections.Add(new Rejection(account.Rows[skipped.Position], ForgottenId));
        foreach (var r in rejections) RiskMetrics.EventsRejected.Add(1, new TagList { { "field", r.Reason.Split(':')[0] } });
        var accepted = batch.Count - rejections.Count;
        RiskMetrics.EventsAccepted.Add(accepted - duplicates);
        rejections.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new IngestReceipt(accepted, rejections, duplicates);
    }

    private const string ForgottenId = "id: older than the account's de-duplication window, so it may have been applied already; not applied";

    /// <summary>
    /// Validates every row, groups the valid ones per account, and tells each IP and proxy of the batch what it
    /// carried; returns the accounts and the context their calls take. The sightings die with this call.
    /// </summary>
    private async Task<(AccountGroup[] Accounts, NetworkContext Context)> ObserveNetworks(EventBatch batch, CanonicalIps canonicalIps,
        PolicyView policy, List<Rejection> rejections)
    {
        var now = DateTime.UtcNow;
        var newFor = TimeSpan.FromDays(policy[Knobs.AccountNewDays]);
        // Grouped by the raw identifiers; grain keys are made once per entity, not per event.
        var accounts = new Dictionary<string, AccountGroup>(StringComparer.Ordinal);
        var models = new ModelSightings();
        using var ips = new SightingGroups(batch.Count);
        using var proxies = new SightingGroups(batch.Count);
        var strings = batch.Strings;
        for (var i = 0; i < batch.Count; i++)
        {
            var ip = canonicalIps.Of(i);
            if (EventRules.Check(batch, i, now, ip) is { } problem)
            {
                rejections.Add(new Rejection(i, problem));
                continue;
            }
            // The row passed the check: every index in it points into the batch's strings.
            var row = batch.Rows[i];
            var id = strings[row.Account]!;
            if (!accounts.TryGetValue(id, out var account)) accounts[id] = account = new AccountGroup(id);
            account.Rows.Add(i);
            if (row.Model != 0 && strings[row.Model] is { } model) models.Add(model, row.Ts, account.Hash);
            var isNew = row.AccountCreated is { } created && row.Ts - created < newFor;
            var ja4 = row.Ja4 == 0 ? null : strings[row.Ja4];
            var eventId = row.Id == 0 ? 0 : StableHash64.Of("event", strings[row.Id]!);
            var sighting = new NetworkSighting(row.Ts, account.Hash, isNew, row.Prompted ? row.SimHash : 0, ja4 is null ? 0 : StableHash64.Of("ja4", ja4), eventId);
            ips.Add(ip!, sighting);
            if (row.Proxy != 0 && strings[row.Proxy] is { } proxy) proxies.Add(proxy, sighting);
        }

        var launchesTask = Launches(models.Sightings);
        var ipTask = ObserveAll<IIpGrain>(ips.Groups(), GrainKeys.CanonicalIp);
        var proxyTask = ObserveAll<IProxyGrain>(proxies.Groups(), GrainKeys.Proxy);
        return ([.. accounts.Values], new NetworkContext(await ipTask, await proxyTask, await launchesTask));
    }

    /// <summary>What the IPs, proxies and model catalogue answered for a batch: the context of its accounts.</summary>
    private sealed record NetworkContext(
        Dictionary<string, EntityRisk> Ips,
        Dictionary<string, EntityRisk> Proxies,
        IReadOnlyDictionary<string, DateTime>? Launches);

    /// <summary>A batch's models: each one's earliest event time and a few of the distinct accounts that used it.</summary>
    private sealed class ModelSightings
    {
        private readonly Dictionary<string, (DateTime FirstSeen, List<ulong> Accounts)> _models = new(StringComparer.Ordinal);

        public void Add(string model, DateTime ts, ulong account)
        {
            if (!_models.TryGetValue(model, out var seen)) seen = (ts, []);
            if (seen.Accounts.Count < IModelCatalogGrain.MinAccounts && !seen.Accounts.Contains(account)) seen.Accounts.Add(account);
            _models[model] = (ts < seen.FirstSeen ? ts : seen.FirstSeen, seen.Accounts);
        }

        public Dictionary<string, ModelSighting> Sightings =>
            _models.ToDictionary(m => m.Key, m => new ModelSighting(m.Value.FirstSeen, [.. m.Value.Accounts]), StringComparer.Ordinal);
    }

    /// <summary>One account's rows in a batch, and what its grain answered.</summary>
    private sealed class AccountGroup(string id)
    {
        public string Id { get; } = id;
        public ulong Hash { get; } = StableHash64.Of("account", id);
        public List<int> Rows { get; } = [];
        public AccountStatus? Status { get; set; }
    }

    /// <summary>The launch times of the batch's models that count as newly launched; advisory like network context.</summary>
    private async Task<IReadOnlyDictionary<string, DateTime>?> Launches(Dictionary<string, ModelSighting> sightings)
    {
        if (sightings.Count == 0) return null;
        try
        {
            var launches = await GrainFactory.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Default).Observe(sightings);
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
            if (account.Status is not { } status || !status.Flagged && !status.OwnSuspect) continue;
            requests.Clear();
            foreach (var row in account.Rows)
                if (networkOf(row) is { } network) requests[network] = requests.GetValueOrDefault(network) + 1;
            foreach (var (network, count) in requests)
                Group(members, network, new MemberStatus(account.Hash, count, status.Flagged, status.Cluster, status.OwnSuspect));
        }
        foreach (var (network, list) in members) _ = GrainFactory.Grain<TGrain>(keyOf(network)).NoteMembers(list);
    }

    /// <summary>Each distinct IP string of a batch parsed once (parsing allocates), by its index in the batch's strings.</summary>
    private sealed class CanonicalIps(EventBatch batch)
    {
        private readonly string?[] _canonical = new string?[batch.Strings?.Length ?? 0];
        private readonly bool[] _read = new bool[batch.Strings?.Length ?? 0];

        /// <summary>The canonical IP of row <paramref name="row"/>; null if it has none, points outside the batch, or is not an address.</summary>
        public string? Of(int row)
        {
            var index = batch.Rows[row].Ip;
            if (index <= 0 || index >= _read.Length || string.IsNullOrEmpty(batch.Strings[index])) return null;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Events for account {AccountKey} were not applied ({Exception}): its silo was unreachable; the sender is told to send them again")]
    private partial void LogAccountUnreachable(string exception, string accountKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} {Key} failed; accounts were applied without that context")]
    private partial void LogNetworkFailed(Exception e, string grain, string key);
}
