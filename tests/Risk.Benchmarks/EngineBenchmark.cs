using System.Diagnostics;
using Risk.Client;
using Risk.Client.Gateway;
using Risk.Contracts;

namespace Risk.Benchmarks;

public sealed record PingFigures(double CallsPerSecond, double P50, double P99);

public sealed record IngestFigures(long Events, long Accepted, double Seconds)
{
    public double EventsPerSecond => Events / Seconds;
}

/// <param name="P50">A miss that the gateway decides from the risks it holds, as their replicas pushed them.</param>
/// <param name="FirstMissP99">The first miss on each asked entity, active on the entities silo, which the decisions silo reads from it.</param>
/// <param name="Cold">First decisions on accounts never seen, through IPs and proxies that are.</param>
/// <param name="ColdKnown">First decisions on accounts stored but not active.</param>
/// <param name="ReplicaP50">A miss on entities the gateway does not hold: a call to each one's replica on the decisions silo.</param>
/// <param name="PingP99">A raw ping's p99 on the entities silo under the same ingest, asked after the misses.</param>
/// <param name="ReadSidePingP99">
/// A raw ping's p99 on the decisions silo, asked by a caller of its own at the same time as the replica misses: what
/// Orleans itself does on this machine under this load, for the call those misses make.
/// </param>
/// <param name="Pushes">Pushes that reached the gateway while the held misses ran: the asked entities changed meanwhile.</param>
/// <param name="Watches">Calls to replicas while the held misses ran: to renew a watch, or for a risk not held.</param>
/// <param name="SiloPauses">The entities silo's GC pauses while the misses and pings ran.</param>
/// <param name="ReadSidePauses">The decisions silo's GC pauses meanwhile.</param>
public sealed record DecideFigures(double P50, double P99, double FirstMissP99, ColdFigures Cold, ColdFigures ColdKnown, double ReplicaP50, double ReplicaP99, double CachedP99, double PingP99, double ReadSidePingP99,
    double IngestEventsPerSecond, long Pushes, long Watches, GcPauses SiloPauses, GcPauses ReadSidePauses);

/// <summary>First decisions on accounts of one kind, and a raw ping's p99 of the entities silo at the same moments.</summary>
public sealed record ColdFigures(double P99, double PingP99)
{
    public double Ratio => P99 / PingP99;
}

/// <summary>
/// The engine against the Orleans ceiling on the same machine: raw pings, ingest through RiskClient,
/// decisions while ingest runs, and memory.
/// </summary>
public sealed class EngineBenchmark(SiloProcess silo, Scale scale)
{
    /// <summary>A raw Orleans ping over 1,000 grains: pipelined calls per second, and sequential p50 and p99.</summary>
    public async Task<PingFigures> Ping()
    {
        var rates = new List<double>();
        var p50s = new List<double>();
        var p99s = new List<double>();
        for (var round = 0; round <= scale.Rounds; round++)
        {
            var latencies = await SequentialPings(silo.Grains, scale.Calls);
            var rate = await Pipelined(scale.Seconds);
            if (round == 0) continue; // warm-up
            p50s.Add(latencies.Percentile(50));
            p99s.Add(latencies.Percentile(99));
            rates.Add(rate);
        }
        return new PingFigures(Stats.Median(rates), Stats.Median(p50s), Stats.Median(p99s));
    }

    /// <summary>Empty calls one after another over 1,000 grains.</summary>
    /// <param name="firstKey">Ping grains are placed on the silo first asked; a client of another silo takes keys of its own.</param>
    /// <param name="stop">Ends the calls early: the latencies so far.</param>
    public static async Task<Latencies> SequentialPings(IGrainFactory grains, int calls, int firstKey = 0, CancellationToken stop = default)
    {
        var latencies = new Latencies(calls);
        for (var i = 0; i < calls && !stop.IsCancellationRequested; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await grains.GetGrain<IPingGrain>(firstKey + i % 1000).Ping();
            latencies.Add(Latencies.Microseconds(start));
        }
        return latencies;
    }

    /// <summary>Keys of ping grains on the decisions silo: the entities silo's are 0-999.</summary>
    public const int ReadSidePings = 1000;

    /// <summary>Many callers at once, each calling as soon as its last call returned.</summary>
    private async Task<double> Pipelined(double seconds)
    {
        const int callers = 256;
        long calls = 0;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async c =>
        {
            long mine = 0;
            for (var i = c; Stopwatch.GetTimestamp() < until; i += callers, mine++) await silo.Grains.GetGrain<IPingGrain>(i % 1000).Ping();
            Interlocked.Add(ref calls, mine);
        }));
        return calls / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Events through RiskClient (several lanes of batches), as fast as the silo takes them, or at a set rate.</summary>
    public static async Task<IngestFigures> Ingest(IGrainFactory grains, IEnumerable<RiskEvent> events, double perSecond = 0, CancellationToken ct = default,
        int batchSize = 20_000)
    {
        var lanes = new IngestLanes(new RiskClient(grains), batchSize: batchSize);
        long sent = 0;
        var clock = Stopwatch.StartNew();
        foreach (var e in events)
        {
            if (ct.IsCancellationRequested) break;
            await lanes.Add(e);
            sent++;
            if (perSecond > 0 && sent % 500 == 0)
            {
                var ahead = sent / perSecond - clock.Elapsed.TotalSeconds;
                if (ahead > 0) await Task.Delay(TimeSpan.FromSeconds(ahead), CancellationToken.None);
            }
        }
        await lanes.Complete();
        return new IngestFigures(sent, lanes.Accepted, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Decide through a started gateway, a client of the decisions silo <paramref name="reads"/>, while an
    /// <see cref="IngestFeed"/> sends copies <paramref name="first"/>.. of the traffic at <paramref name="perSecond"/>
    /// to this benchmark's (entities) silo. First one miss per asked tuple, which brings its entities to the
    /// decisions silo (the cold figure); then unmeasured passes of both kinds of miss; then the misses that the
    /// gateway decides from what it holds (the decisions cleared before each call), the misses that call the
    /// replicas (the held risks dropped too) with pings of the decisions silo alongside, and pings of the entities
    /// silo; then cached answers.
    /// </summary>
    /// <param name="neverSeen">Accounts no event named, asked through the IPs and proxies of the traffic.</param>
    /// <param name="known">Accounts stored and then collected: no activation of them anywhere.</param>
    public async Task<DecideFigures> DecideUnderIngest(SiloProcess reads, int seed, int copies, int first,
        IReadOnlyList<(string Account, string Ip, string? Proxy)> asked, double perSecond,
        IReadOnlyList<(string Account, string Ip, string? Proxy)> neverSeen, IReadOnlyList<(string Account, string Ip, string? Proxy)> known)
    {
        var ingest = await IngestFeed.Start(silo, scale, seed, copies, first, perSecond);
        using var gateway = await GatewayBenchmark.StartGateway(reads.Grains);
        await SequentialPings(silo.Grains, 1000); // activated again after the collection, and warm
        await Task.Delay(TimeSpan.FromSeconds(1)); // ingest up to its rate

        var firstMiss = await Misses(gateway, asked, asked.Count, ingest, forget: false);
        // The accounts asked above brought their IPs and proxies to the gateway: what a new account's first request
        // meets is the account alone, cold.
        var cold = await ColdMisses(gateway, neverSeen, ingest);
        var coldKnown = await ColdMisses(gateway, known, ingest);
        // One unmeasured pass of each kind of miss: the decisions silo and this gateway have not run those paths yet,
        // and their first calls are compilation, not the steady state. The held pass
        // comes second: it holds every asked entity's risk again, which the other pass drops.
        await Misses(gateway, asked, asked.Count, ingest, forget: true);
        await Misses(gateway, asked, asked.Count, ingest, forget: false);
        await SequentialPings(reads.Grains, 1000, ReadSidePings); // activated on the decisions silo, and warm
        // This process made the earlier steps' traffic; collect its garbage now, between steps, as BenchmarkDotNet
        // does between iterations, so that none of it is collected in the middle of the misses.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var (pausedBefore, gcsBefore) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0));
        var siloPauses = SiloGcPauses.Watch(silo);
        var readSidePauses = SiloGcPauses.Watch(reads);
        var (pushed, watched) = (gateway.Cache.Pushes, gateway.Watches);
        var held = await Misses(gateway, asked, scale.Calls, ingest, forget: false);
        (pushed, watched) = (gateway.Cache.Pushes - pushed, gateway.Watches - watched);
        // Misses and pings of the entities silo in loops of their own: asked alternately, each miss would follow a
        // ping that had waited out the entities silo's pause, so the misses would meet that silo mostly between its
        // pauses. Pings of the decisions silo run alongside the misses, from a caller of their own: the same moments.
        using var missesDone = new CancellationTokenSource();
        var readSidePinging = Task.Run(() => SequentialPings(reads.Grains, scale.Calls * 4, ReadSidePings, missesDone.Token));
        var replica = await Misses(gateway, asked, scale.Calls, ingest, forget: true);
        await missesDone.CancelAsync();
        var readSidePings = await readSidePinging;
        var pings = new Latencies(scale.Calls);
        for (var i = 0; i < scale.Calls && !ingest.HasExited; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await silo.Grains.GetGrain<IPingGrain>(i % 1000).Ping();
            pings.Add(Latencies.Microseconds(start));
        }
        var paused = await siloPauses.Stop();
        var readSidePaused = await readSidePauses.Stop();
        Console.Error.WriteLine($"  this process's GC during the misses: {GC.CollectionCount(0) - gcsBefore} collections, {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:F0} ms paused");
        var cached = new Latencies(scale.Calls * 10);
        for (var i = 0; i < scale.Calls * 10 && !ingest.HasExited; i++)
        {
            var (account, ip, proxy) = asked[i % 100];
            var start = Stopwatch.GetTimestamp();
            var pending = gateway.Decide(account, ip, proxy);
            if (!pending.IsCompletedSuccessfully) await pending;
            cached.Add(Latencies.Microseconds(start));
        }
        if (ingest.HasExited) Console.Error.WriteLine("warning: the ingest finished before the decisions did; give it more events");
        var ran = await ingest.Stop();
        await gateway.StopAsync(CancellationToken.None);
        return new DecideFigures(held.Percentile(50), held.Percentile(99), firstMiss.Percentile(99), cold, coldKnown, replica.Percentile(50), replica.Percentile(99), cached.Percentile(99),
            pings.Percentile(99), readSidePings.Percentile(99), ran.EventsPerSecond, pushed, watched, paused, readSidePaused);
    }

    /// <summary>
    /// One first decision per account, with pings of the entities silo from a caller of their own at the same moments:
    /// a cold decision is judged against what Orleans itself answers meanwhile, on the silo it has to wake.
    /// </summary>
    private async Task<ColdFigures> ColdMisses(RiskGateway gateway, IReadOnlyList<(string Account, string Ip, string? Proxy)> accounts, IngestFeed ingest)
    {
        using var done = new CancellationTokenSource();
        var pinging = Task.Run(() => SequentialPings(silo.Grains, accounts.Count * 100, stop: done.Token));
        var misses = await Misses(gateway, accounts, accounts.Count, ingest, forget: false);
        await done.CancelAsync();
        return new ColdFigures(misses.Percentile(99), (await pinging).Percentile(99));
    }

    /// <summary>
    /// Decides over <paramref name="asked"/> in turn, with no cached decision; with <paramref name="forget"/>, with no
    /// held risk either, so that every call asks the replicas. Without, two calls a millisecond.
    /// </summary>
    private static async Task<Latencies> Misses(RiskGateway gateway, IReadOnlyList<(string Account, string Ip, string? Proxy)> asked, int calls,
        IngestFeed ingest, bool forget)
    {
        var latencies = new Latencies(calls);
        for (var i = 0; i < calls && !ingest.HasExited; i++)
        {
            var (account, ip, proxy) = asked[i % asked.Count];
            if (forget) gateway.Cache.Forget();
            else gateway.Cache.Clear();
            var start = Stopwatch.GetTimestamp();
            var pending = gateway.Decide(account, ip, proxy);
            if (!pending.IsCompletedSuccessfully) await pending;
            latencies.Add(Latencies.Microseconds(start));
            // Held misses take microseconds: spread over the ingest, so that pushes arrive while they run.
            if (!forget && i % 2 == 1) await Task.Delay(1);
        }
        return latencies;
    }

    /// <summary>
    /// The hot spot: the hydra's accounts all behind one proxy, against the same traffic spread over 1,000
    /// proxies. Each is ingested twice, in the order spread, one proxy, one proxy, spread, every time with
    /// accounts of its own: a silo slows as its activations pile up, so the one measured second would carry
    /// that. Events per second of each, over both of its passes.
    /// </summary>
    public async Task<(double Single, double Spread)> HotSpot(BenchTraffic hydra, int firstCopy)
    {
        var copies = (int)Math.Ceiling((double)scale.HotSpotAccounts / hydra.AttackAccounts);
        Func<RiskEvent, string?> spread = e => hydra.IsAttacker(e.Account) ? $"spread-{(uint)e.Account.GetHashCode() % 1000}" : e.Proxy;
        Func<RiskEvent, string?> single = e => hydra.IsAttacker(e.Account) ? "hot-proxy" : e.Proxy;
        IngestFigures[] passes = new IngestFigures[4];
        Func<RiskEvent, string?>[] order = [spread, single, single, spread];
        for (var pass = 0; pass < order.Length; pass++)
            passes[pass] = await Ingest(silo.Grains, hydra.Copies(copies, firstCopy + pass * copies, order[pass]));
        return (Rate(passes[1], passes[2]), Rate(passes[0], passes[3]));
    }

    private static double Rate(IngestFigures a, IngestFigures b) => (a.Events + b.Events) / (a.Seconds + b.Seconds);
}
