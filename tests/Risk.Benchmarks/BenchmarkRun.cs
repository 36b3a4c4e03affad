using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using Risk.Tests.Shared;

namespace Risk.Benchmarks;

/// <summary>One run of the harness: every step on this machine, each against the raw Orleans ping of the same run.</summary>
public sealed class BenchmarkRun(Scale scale, bool nginx, bool azurite, bool failover, bool seedScale, double decideLoad = 0.5)
{
    private const int Seed = 11;
    /// <summary>The Azurite silo's write-behind interval (the default is 30 s), so that its step pays for writes within its length.</summary>
    private const string Checkpoint = "00:00:05";

    public async Task<string> Execute()
    {
        var clock = Stopwatch.StartNew();
        Say($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {scale.Name} run");
        var traffic = BenchTraffic.Create(scale.HydraScale, scale.BenignScale, Seed);
        Say($"traffic: one copy is {traffic.Events.Count:N0} events, {traffic.AttackAccounts:N0} hydra and {traffic.BenignAccounts:N0} benign accounts");

        // Memory storage makes no timed checkpoints; the storage step's silo writes behind every 5 s (Checkpoint).
        // Two silos, as deployed for decisions under load: ingest and the entities on one, the replicas that
        // answer gateways' misses on the other.
        await using var silo = await SiloProcess.Start(("Risk:Storage", "memory"), ("Risk:Role", "entities"));
        await using var reads = await SiloProcess.Start(("Risk:Storage", "memory"), ("Risk:Role", "decisions"), ("Risk:PrimarySiloPort", $"{silo.SiloPort}"),
            ("Risk:ClusterId", silo.ClusterId));
        var engine = new EngineBenchmark(silo, scale);
        var ping = await engine.Ping();
        Say($"ping: {ping.CallsPerSecond:N0} calls/s pipelined; sequential p50 {ping.P50:F0} µs, p99 {ping.P99:F0} µs");

        await WarmUp(silo, traffic);
        var rssBefore = silo.RssBytes;
        var heapBefore = await SiloHeap.AfterFullGc(silo);
        var ingest = await EngineBenchmark.Ingest(silo.Grains, traffic.Copies(scale.Copies));
        var accounts = traffic.Accounts * scale.Copies;
        var rssPer10k = (silo.RssBytes - rssBefore) / 1e6 / accounts * 10_000;
        // What the accounts hold alive, without what the GC keeps for allocations to come.
        var heapPerAccount = (await SiloHeap.AfterFullGc(silo) - heapBefore) / 1024.0 / accounts;
        Say($"ingest: {ingest.EventsPerSecond:N0} events/s ({ingest.Events:N0} events, {accounts:N0} accounts, {ingest.Seconds:F1} s) = {ingest.EventsPerSecond / ping.CallsPerSecond:F2}× ping; RSS +{rssPer10k:F0} MB per 10k accounts; live heap {heapPerAccount:F1} KB per account");

        // Decisions are asked about the traffic being ingested, as a gateway asks about the requests it then reports:
        // the first 1,000 tuples of the feed's first copy, whose entities change and push while they are asked.
        var asked = traffic.Copies(1, first: scale.Copies).Select(e => (e.Account, e.Ip, e.Proxy)).Distinct().Take(1000).ToList();
        // Cold first decisions: accounts never seen (through the asked IPs and proxies), and accounts the ingest step
        // stored, collected now so that no silo holds them: every activation idle for a second goes.
        var neverSeen = asked.Select((t, i) => ($"never-seen-{i}", t.Ip, t.Proxy)).Take(500).ToList();
        var known = traffic.Copies(1, first: 0).Select(e => (e.Account, e.Ip, e.Proxy)).DistinctBy(t => t.Account).Take(500).ToList();
        await silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.FromSeconds(1));
        var decide = await engine.DecideUnderIngest(reads, Seed, scale.Copies * 4, first: scale.Copies, asked, ingest.EventsPerSecond * decideLoad, neverSeen, known);
        Say($"decide while ingest runs at {decide.IngestEventsPerSecond:N0} events/s: miss p50 {decide.P50:F1} µs, p99 {decide.P99:F1} µs ({decide.P99 / ping.P99:F2}× ping p99), from the risks the gateway holds; cached p99 {decide.CachedP99:F2} µs");
        Say($"  a miss that calls the replicas: p50 {decide.ReplicaP50:F0} µs, p99 {decide.ReplicaP99:F0} µs ({decide.ReplicaP99 / ping.P99:F2}× ping p99); the first miss on an active entity p99 {decide.FirstMissP99:F0} µs");
        Say($"  first decisions: a never-seen account p99 {decide.Cold.P99:F0} µs ({decide.Cold.Ratio:F2}× a ping of the entities silo at the same moments, {decide.Cold.PingP99:F0} µs); " +
            $"a stored account not active p99 {decide.ColdKnown.P99:F0} µs ({decide.ColdKnown.Ratio:F2}× its pings, {decide.ColdKnown.PingP99:F0} µs)");
        Say($"  during the held misses, pushes that reached the gateway: {decide.Pushes:N0}; calls to replicas: {decide.Watches:N0}");
        Say($"  meanwhile on the entities silo: a ping's p99 {decide.PingP99:F0} µs; {Paused(decide.SiloPauses)}");
        Say($"  on the decisions silo: a ping's p99 {decide.ReadSidePingP99:F0} µs at the same time as the replica misses ({decide.ReplicaP99 / decide.ReadSidePingP99:F2}×); {Paused(decide.ReadSidePauses)}");

        var hydra = BenchTraffic.Create(scale.HydraScale, 0, Seed);
        // Copies far past those of the other steps (whose hydra accounts share these names): every account is new.
        var hot = await engine.HotSpot(hydra, firstCopy: 1000);
        Say($"hot spot, {scale.HotSpotAccounts:N0}+ hydra accounts: one proxy {hot.Single:N0} events/s, spread over 1,000 proxies {hot.Spread:N0} events/s ({hot.Single / hot.Spread:F2}×)");

        var gateway = new GatewayBenchmark(reads.Grains, reads.Http, scale);
        var (idlePing, idleMiss) = await gateway.PingAndMissP99();
        Say($"idle: ping p99 {idlePing:F0} µs, a miss that calls the replicas p99 {idleMiss:F0} µs ({idleMiss / idlePing:F2}×)");
        (double WithAuth, double Without, double Authz)? viaNginx = nginx ? await gateway.NginxP99(perSecond: 1000) : null;
        if (viaNginx is { } n) Say($"at 1,000 req/s, p99: through nginx {n.WithAuth / 1000:F2} ms with the auth step, {n.Without / 1000:F2} ms without; /v1/authz directly {n.Authz / 1000:F2} ms");

        var persisted = azurite ? await Persisted(traffic) : null;
        var step = Stopwatch.StartNew();
        var killed = failover ? await FailoverBenchmark.Run(scale.FailoverDemoScale) : null;
        if (killed is { } k)
            Say($"failover: a silo of three killed during a {k.Events:N0}-event replay on Azurite: every sampled account decided again {k.FailoverSeconds:F1} s after; " +
                $"{k.EventsLost} events lost, {k.CounterEventsLost:N0} events' counter state lost ({(double)k.CounterEventsLost / k.Events:P1}); " +
                $"started again and serving in {k.RestartSeconds:F1} s (the step took {step.Elapsed.TotalSeconds:F0} s)");
        var seed = seedScale ? await SeedScale() : null;

        return JsonSerializer.Serialize(new
        {
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            run = scale.Name,
            events_per_s = Math.Round(ingest.EventsPerSecond),
            ping_calls_per_s = Math.Round(ping.CallsPerSecond),
            ingest_ratio = Ratio(ingest.EventsPerSecond, ping.CallsPerSecond),
            decide_p50_us = Math.Round(decide.P50, 1),
            decide_p99_us = Math.Round(decide.P99, 1),
            ping_p50_us = Math.Round(ping.P50, 1),
            ping_p99_us = Math.Round(ping.P99, 1),
            latency_ratio = Ratio(decide.P99, ping.P99),
            cached_decide_p99_us = Math.Round(decide.CachedP99, 2),
            decide_cold_p99_us = Math.Round(decide.Cold.P99, 1),
            decide_cold_ping_p99_us = Math.Round(decide.Cold.PingP99, 1),
            decide_cold_ratio = Ratio(decide.Cold.P99, decide.Cold.PingP99),
            decide_cold_known_p99_us = Math.Round(decide.ColdKnown.P99, 1),
            decide_cold_known_ping_p99_us = Math.Round(decide.ColdKnown.PingP99, 1),
            decide_cold_known_ratio = Ratio(decide.ColdKnown.P99, decide.ColdKnown.PingP99),
            decide_first_miss_p99_us = Math.Round(decide.FirstMissP99, 1),
            replica_miss_p50_us = Math.Round(decide.ReplicaP50, 1),
            replica_miss_p99_us = Math.Round(decide.ReplicaP99, 1),
            replica_miss_latency_ratio = Ratio(decide.ReplicaP99, ping.P99),
            ping_p99_under_ingest_us = Math.Round(decide.PingP99, 1),
            gateway_pushes_during_misses = decide.Pushes,
            replica_calls_during_held_misses = decide.Watches,
            decisions_silo_ping_p99_under_ingest_us = Math.Round(decide.ReadSidePingP99, 1),
            replica_miss_vs_decisions_silo_ping_under_ingest = Ratio(decide.ReplicaP99, decide.ReadSidePingP99),
            silo_gc_pause_share_under_ingest = Math.Round(decide.SiloPauses.Share, 3),
            silo_gc_pause_max_ms_under_ingest = Math.Round(decide.SiloPauses.MaxMs, 1),
            decisions_silo_gc_pause_max_ms_under_ingest = Math.Round(decide.ReadSidePauses.MaxMs, 1),
            rss_mb_per_10k_accounts = Math.Round(rssPer10k, 1),
            live_heap_kb_per_account = Math.Round(heapPerAccount, 2),
            azurite_vs_memory = persisted is { } p ? Ratio(p.Azurite.EventsPerSecond, p.Memory.EventsPerSecond) : (double?)null,
            persisted_bytes_per_account = persisted?.BytesPerAccount,
            azurite_cpu_cores = persisted?.AzuriteCores is { } cores ? Math.Round(cores, 2) : (double?)null,
            azurite_vs_memory_per_silo_cpu = persisted is { } q ? Ratio(q.Azurite.EventsPerCpuSecond, q.Memory.EventsPerCpuSecond) : (double?)null,
            hot_proxy_events_per_s = Math.Round(hot.Single),
            spread_proxies_events_per_s = Math.Round(hot.Spread),
            hot_vs_spread = Ratio(hot.Single, hot.Spread),
            idle_ping_p99_us = Math.Round(idlePing, 1),
            idle_replica_miss_p99_us = Math.Round(idleMiss, 1),
            nginx_added_p99_ms = viaNginx is { } a ? Math.Round((a.WithAuth - a.Without) / 1000, 2) : (double?)null,
            authz_direct_p99_ms = viaNginx is { } z ? Math.Round(z.Authz / 1000, 2) : (double?)null,
            failover_events = killed?.Events,
            failover_s = killed is { } f1 ? Math.Round(f1.FailoverSeconds, 1) : (double?)null,
            failover_events_lost = killed?.EventsLost,
            failover_counter_events_lost = killed?.CounterEventsLost,
            failover_counter_lost_share = killed is { } f2 ? Math.Round((double)f2.CounterEventsLost / f2.Events, 4) : (double?)null,
            restart_s = killed is { } f3 ? Math.Round(f3.RestartSeconds, 1) : (double?)null,
            seed_scale_events = seed?.Events,
            seed_scale_s = seed is { } s1 ? Math.Round(s1.Seconds, 1) : (double?)null,
            seed_scale_peak_rss_mb = seed is { } s2 ? Math.Round(s2.PeakRssMb) : (double?)null,
            total_s = Math.Round(clock.Elapsed.TotalSeconds, 1),
        });
    }

    /// <summary>
    /// A ratio to three significant digits: a decision made in the gateway can be a few thousandths of a noisy
    /// ping, which two decimals would print as 0.
    /// </summary>
    private static double Ratio(double part, double whole)
    {
        var ratio = part / whole;
        if (ratio == 0 || !double.IsFinite(ratio)) return ratio;
        var decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(Math.Abs(ratio))), 0, 15);
        return Math.Round(ratio, decimals);
    }

    /// <summary>
    /// Ingest on Azure Table (Azurite) against memory storage, measured alike: a fresh silo of each in turn, warmed up,
    /// then <see cref="StorageRounds"/> rounds of the same traffic on accounts of their own; the ratio of the rounds'
    /// medians. Then the bytes each account left in the table.
    /// </summary>
    /// <remarks>
    /// It once compared one short round on Azurite with the main ingest step's figure, taken on another silo at
    /// another moment: the ratio of two single rounds of a few seconds each, on a shared machine, which swung from
    /// 0.46 to 0.81 over five quick runs of one commit. On Azurite, the rounds after the first pay for the
    /// checkpoints of the ones before (every 5 s, as the step's silo is set), as a silo in service pays for its
    /// writes; the warm-up's own checkpoints are let pass first.
    /// </remarks>
    private async Task<StorageFigures> Persisted(BenchTraffic traffic)
    {
        // At most 4 copies a round: Azurite (one Node.js process) slows as its table grows.
        var copies = Math.Min(scale.Copies, 4);
        StorageRate memory;
        await using (var silo = await SiloProcess.Start(("Risk:Storage", "memory")))
        {
            await WarmUp(silo, traffic);
            memory = await Rounds(silo, traffic, copies, "memory");
        }
        var ownAzurite = await AzuriteProcess.StartUnlessGiven();
        var table = "RiskBench" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            StorageRate azurite;
            double? azuriteCores = null;
            await using (var silo = await SiloProcess.Start(("Risk:Storage", "azurite"), ("Risk:AzureConnectionString", AzuriteProcess.ConnectionString), ("Risk:TableName", table), ("Risk:CheckpointInterval", Checkpoint)))
            {
                await WarmUp(silo, traffic);
                // The warm-up's accounts are checkpointed one interval after their events: that burst belongs to the
                // warm-up, and memory storage has none.
                await Task.Delay(TimeSpan.Parse(Checkpoint) * 1.5);
                // Where the cores went meanwhile: Azurite shares them, as no Azure Table in service would.
                var azuritePid = ownAzurite is null ? (int?)null : int.Parse(await File.ReadAllTextAsync(Path.Combine(ownAzurite, "azurite.pid")));
                double AzuriteCpu() => azuritePid is { } pid ? SiloProcess.CpuSecondsOf(pid) : 0;
                var (azuriteCpu, siloCpu, clock) = (AzuriteCpu(), silo.CpuSeconds, Stopwatch.StartNew());
                azurite = await Rounds(silo, traffic, copies, "Azurite");
                azuriteCores = azuritePid is null ? null : (AzuriteCpu() - azuriteCpu) / clock.Elapsed.TotalSeconds;
                Say($"  during the Azurite rounds: Azurite used {azuriteCores:F2} cores, the silo {(silo.CpuSeconds - siloCpu) / clock.Elapsed.TotalSeconds:F2}");
                Say($"  state writes so far, by why: {await StateWrites(silo)}");
                // Killed rather than stopped: a graceful stop would flush tens of thousands of dirty entities for up
                // to the host's 30 s shutdown timeout. The accounts checkpointed during the rounds (every 5 s, 200 a
                // second) are enough to weigh an account's stored state; rounds shorter than a checkpoint wait for one.
                var deadline = DateTime.UtcNow + TimeSpan.Parse(Checkpoint) * 3;
                while ((await AccountRows(table)).Rows == 0 && DateTime.UtcNow < deadline) await Task.Delay(250);
                await silo.Kill();
            }
            var (rows, bytes) = await AccountRows(table);
            Say($"Azurite: {azurite.EventsPerSecond:N0} events/s = {azurite.EventsPerSecond / memory.EventsPerSecond:F2}× memory storage's {memory.EventsPerSecond:N0} (medians of {StorageRounds} rounds each); " +
                $"per second of the silo's CPU {azurite.EventsPerCpuSecond / memory.EventsPerCpuSecond:F2}×; {rows:N0} account rows, {(rows == 0 ? 0 : bytes / rows):N0} bytes each");
            return new(azurite, memory, rows == 0 ? null : bytes / rows, azuriteCores);
        }
        finally
        {
            await new TableServiceClient(AzuriteProcess.ConnectionString).DeleteTableAsync(table);
            if (ownAzurite is not null) await AzuriteProcess.Stop(ownAzurite);
        }
    }

    private const int StorageRounds = 3;

    /// <summary>The silo's <c>risk_state_writes_total</c> series from its /metrics, as "why=count" pairs.</summary>
    private static async Task<string> StateWrites(SiloProcess silo)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(silo.Http, "/metrics"));
        return string.Join(", ", MetricsText.Series(text, "risk_state_writes_total")
            .Select(s => $"{System.Text.RegularExpressions.Regex.Match(s.Labels, "why=\"([a-z]+)\"").Groups[1].Value}={s.Value}"));
    }

    /// <summary>
    /// The median events per second of <see cref="StorageRounds"/> rounds, each on accounts no step used; and the events
    /// per second of the silo's own CPU over all of them, which what else runs on the machine does not move.
    /// </summary>
    private async Task<StorageRate> Rounds(SiloProcess silo, BenchTraffic traffic, int copies, string storage)
    {
        var rates = new List<double>();
        long events = 0;
        var cpu = silo.CpuSeconds;
        for (var round = 0; round < StorageRounds; round++)
        {
            var ingest = await EngineBenchmark.Ingest(silo.Grains, traffic.Copies(copies, first: 3000 + round * copies));
            Say($"  {storage} round {round + 1}: {ingest.EventsPerSecond:N0} events/s");
            rates.Add(ingest.EventsPerSecond);
            events += ingest.Events;
        }
        return new(Stats.Median(rates), events / (silo.CpuSeconds - cpu));
    }

    /// <summary>The account rows in a table, and their bytes (property values as stored).</summary>
    private static async Task<(long Rows, long Bytes)> AccountRows(string table)
    {
        long bytes = 0, rows = 0;
        await foreach (var row in new TableClient(AzuriteProcess.ConnectionString, table).QueryAsync<TableEntity>())
        {
            if (!row.RowKey.Contains("account", StringComparison.OrdinalIgnoreCase)) continue;
            rows++;
            bytes += row.Keys.Select(k => row[k]).Sum(v => v switch { string text => System.Text.Encoding.UTF8.GetByteCount(text), byte[] data => data.Length, _ => 8 });
        }
        return (rows, bytes);
    }

    /// <summary>The campaigns' size: 16 million events over 24,000 attacking and 100,000 benign accounts, on a fresh silo.</summary>
    private async Task<(long Events, double Seconds, double PeakRssMb)?> SeedScale()
    {
        // One copy of hydra at 1 and benign at 1.9 is 619 attackers and 2,580 benign accounts (seed 11), so 39 copies
        // make 24,100 attackers and 100,600 benign accounts. A simulated week of them is 9.9 million events; a
        // second week of the same accounts brings the stream to the report's 16 million.
        var traffic = BenchTraffic.Create(1, 1.9, Seed);
        const int copies = 39, weeks = 2;
        const long events = 16_000_000;
        Say($"seed scale: {events:N0} events from {copies} copies of {traffic.Events.Count:N0} events over up to {weeks} weeks: {traffic.AttackAccounts * copies:N0} hydra and {traffic.BenignAccounts * copies:N0} benign accounts");
        await using var silo = await SiloProcess.Start(("Risk:Storage", "memory"));
        // A backfill of this size sends bigger batches than IngestLanes' default (122 s at 60,000, 203 s at 20,000).
        var ingest = await EngineBenchmark.Ingest(silo.Grains, traffic.Copies(copies, periods: weeks).Take((int)events), batchSize: 60_000);
        var peak = silo.PeakRssBytes / 1e6;
        Say($"seed scale: {ingest.Events:N0} events in {ingest.Seconds:F0} s ({ingest.EventsPerSecond:N0} events/s); silo peak RSS {peak:N0} MB");
        return (ingest.Events, ingest.Seconds, peak);
    }

    /// <summary>
    /// One-copy ingest rounds, on accounts of their own (after those the decide step uses), until the silo's JIT
    /// is quiet (under 5 % of a core in the last round, after at least two rounds), at most
    /// <see cref="Scale.WarmUpRounds"/>. A fresh silo compiles for 10–30 s under load and meanwhile runs code that
    /// is not optimized yet (Orleans and the Azure SDK ship no precompiled code); stopping once a round was no
    /// faster judged that on noise. The measured ingest then runs steady-state code on accounts that are all new.
    /// </summary>
    private async Task WarmUp(SiloProcess silo, BenchTraffic traffic)
    {
        for (var round = 0; round < scale.WarmUpRounds; round++)
        {
            var jitBefore = silo.JitCpu;
            var ingest = await EngineBenchmark.Ingest(silo.Grains, traffic.Copies(1, first: scale.Copies * 5 + round));
            var jitShare = (silo.JitCpu - jitBefore).TotalSeconds / ingest.Seconds;
            Say($"  warm-up {round + 1}: {ingest.EventsPerSecond:N0} events/s; JIT {jitShare:P0} of a core");
            if (round >= 1 && jitShare < 0.05) break;
        }
    }

    private static string Paused(GcPauses gc) =>
        $"GC paused it {gc.Count} times, median {gc.MedianMs:F1} ms, longest {gc.MaxMs:F1} ms, {gc.Share:P1} of the time ({gc.ByGeneration})";

    private static void Say(string line) => Console.Error.WriteLine(line);
}

/// <summary>Each storage's median events per second over its rounds, and its events per second of the silo's own CPU.</summary>
public sealed record StorageRate(double EventsPerSecond, double EventsPerCpuSecond);

/// <param name="AzuriteCores">The cores Azurite itself used during its rounds; null when this run did not start it.</param>
public sealed record StorageFigures(StorageRate Azurite, StorageRate Memory, long? BytesPerAccount, double? AzuriteCores);
