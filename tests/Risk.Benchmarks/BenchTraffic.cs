using System.Text;
using Risk.Client;
using Risk.Contracts;

namespace Risk.Benchmarks;

/// <summary>
/// Load for the engine benchmarks: the simulator's hydra and benign cohorts, parsed and turned into features
/// once (as a gateway would), then repeated with fresh identities to reach any size. Copy k of an account, IP,
/// proxy or payment instrument is a different entity, so copies add entities rather than pile load on the same
/// ones, and each copy keeps the shape the simulator gave it. Copies of one event share its time, so the stream
/// stays in event-time order.
/// </summary>
public sealed class BenchTraffic
{
    public const string BenignCohorts = "nat,campus,corporate,relay,agent,power,automation,research";

    private BenchTraffic(RiskEvent[] events, HashSet<string> attackers, int accounts)
    {
        Events = events;
        AttackAccounts = attackers.Count;
        BenignAccounts = accounts - attackers.Count;
        _accounts = new Names(events.Select(e => e.Account), (id, k) => $"{id}~{k}");
        _ips = new Names(events.Select(e => e.Ip), (_, n) => $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}", numbered: true);
        _proxies = new Names(events.Where(e => e.Proxy is not null).Select(e => e.Proxy!), (id, k) => $"{id}~{k}");
        _payments = new Names(events.Where(e => e.Payment is not null).Select(e => e.Payment!), (id, k) => $"{id}~{k}");
        Attackers = attackers;
    }

    /// <summary>One copy: the simulator's events in time order.</summary>
    public IReadOnlyList<RiskEvent> Events { get; }
    public IReadOnlySet<string> Attackers { get; }
    public int AttackAccounts { get; }
    public int BenignAccounts { get; }
    public int Accounts => AttackAccounts + BenignAccounts;

    private readonly Names _accounts, _ips, _proxies, _payments;

    /// <param name="hydraScale">The hydra cohort's scale (1 ≈ 800 accounts with replacements).</param>
    /// <param name="benignScale">Every benign cohort's scale (1 ≈ 1,350 accounts); 0 for none.</param>
    public static BenchTraffic Create(double hydraScale, double benignScale, int seed)
    {
        var hydra = Simulator.Generate("hydra", hydraScale, seed);
        var benign = benignScale > 0 ? Simulator.Generate(BenignCohorts, benignScale, seed) : null;
        var now = DateTime.UtcNow;
        var events = hydra.Lines.Concat(benign?.Lines ?? [])
            .Select(line => EventReader.Parse(Encoding.UTF8.GetBytes(line), now).Event ?? throw new InvalidOperationException($"simulator line refused: {line}"))
            .OrderBy(e => e.Ts)
            .ToArray();
        var attackers = hydra.Labels.Accounts.Where(a => a.Value.Malicious).Select(a => a.Key).ToHashSet();
        return new BenchTraffic(events, attackers, hydra.Labels.Accounts.Count + (benign?.Labels.Accounts.Count ?? 0));
    }

    /// <summary>
    /// Copies <paramref name="first"/> to first + <paramref name="copies"/> - 1, interleaved in time order (copy 0
    /// is the simulator's own names). <paramref name="proxyOf"/> replaces each event's proxy after renaming, for
    /// the hot-spot comparison. With <paramref name="periods"/> above 1 the same accounts go on: period p is the
    /// simulated span again, shifted p spans later, so each account makes p times the requests.
    /// </summary>
    public IEnumerable<RiskEvent> Copies(int copies, int first = 0, Func<RiskEvent, string?>? proxyOf = null, int periods = 1)
    {
        var span = TimeSpan.FromDays(Math.Ceiling((Events[^1].Ts - Events[0].Ts).TotalDays));
        for (var p = 0; p < periods; p++)
            foreach (var e in Events)
                for (var k = first; k < first + copies; k++)
                {
                    var copy = k == 0 && p == 0 ? e : e with
                    {
                        Ts = e.Ts + p * span,
                        Account = _accounts[e.Account, k],
                        Ip = _ips[e.Ip, k],
                        Proxy = e.Proxy is null ? null : _proxies[e.Proxy, k],
                        Payment = e.Payment is null ? null : _payments[e.Payment, k],
                    };
                    yield return proxyOf is null ? copy : copy with { Proxy = proxyOf(copy) };
                }
    }

    public bool IsAttacker(string account)
    {
        var cut = account.IndexOf('~');
        return Attackers.Contains(cut < 0 ? account : account[..cut]);
    }

    /// <summary>Names of the copies of each distinct value, made once and looked up per event.</summary>
    private sealed class Names
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly List<string[]> _copies = [];
        private readonly Func<string, int, string> _rename;
        private readonly bool _numbered;

        /// <param name="numbered">The renamer gets a number unique across values and copies instead of the copy.</param>
        public Names(IEnumerable<string> values, Func<string, int, string> rename, bool numbered = false)
        {
            foreach (var v in values) _index.TryAdd(v, _index.Count);
            (_rename, _numbered) = (rename, numbered);
        }

        public string this[string value, int copy]
        {
            get
            {
                var i = _index[value];
                while (_copies.Count <= copy) _copies.Add(new string[_index.Count]);
                return _copies[copy][i] ??= _rename(value, _numbered ? copy * _index.Count + i + 1 : copy);
            }
        }
    }
}
