using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Client.Gateway;

/// <summary>
/// What a .NET gateway embeds. <see cref="Report"/> queues an event and never blocks the request path: past the
/// queue's capacity, events are dropped and counted. A background loop sends them in batches. <see cref="Decide"/>
/// answers from what the gateway holds, which grains keep fresh by push: a cached decision, or one made from the
/// entities' held risks. Only an entity it does not hold is asked for, waiting at most
/// <see cref="RiskGatewayOptions.DecisionTimeout"/> before the configured fail mode answers.
/// </summary>
public sealed partial class RiskGateway : BackgroundService
{
    public const string Unavailable = "risk_unavailable";

    private readonly IGrainFactory _grains;
    private readonly RiskGatewayOptions _options;
    private readonly ILogger<RiskGateway> _log;
    private readonly Channel<RiskEvent> _queue;
    private readonly GatewayMetrics _metrics;
    private IDecisionObserver? _observerRef;
    private IPolicyObserver? _policyRef;
    private readonly ConcurrentDictionary<(EntityKind, string), bool> _renewing = new();
    private readonly RiskClient _client;
    /// <summary>This gateway's events are numbered under a prefix of its own, so their ids are unique across gateways.</summary>
    private readonly string _idPrefix = IngestRetries.NewSenderPrefix();
    private long _dropped, _sent, _rejected, _timeouts, _watches, _retries, _ids;

    /// <param name="time">How the cache tells the age of decisions and watches; the system clock unless a test says.</param>
    public RiskGateway(IGrainFactory grains, IOptions<RiskGatewayOptions> options, ILogger<RiskGateway> log, TimeProvider? time = null)
    {
        _grains = grains;
        _client = new RiskClient(grains);
        _options = options.Value;
        _log = log;
        _queue = Channel.CreateBounded<RiskEvent>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            // Wait, not DropWrite: with Wait, TryWrite says false when full (it never waits), so drops can be counted.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        Cache = new DecisionCache(_options.CacheCapacity, _options.CacheTtl, time);
        Known = new KnownEntities(grains);
        Tally = new DecisionTally(time);
        _metrics = new GatewayMetrics(this);
    }

    public override void Dispose()
    {
        _metrics.Dispose();
        base.Dispose();
    }

    public DecisionCache Cache { get; }
    /// <summary>The entities ever heard of, as of the last refresh.</summary>
    public KnownEntities Known { get; }
    /// <summary>The decisions answered since the last report, per action and five minutes; the fail mode's included.</summary>
    public DecisionTally Tally { get; }
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Sent => Interlocked.Read(ref _sent);
    public long Rejected => Interlocked.Read(ref _rejected);
    /// <summary>Misses the fail mode answered: the cluster timed out or could not be reached.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);
    /// <summary>Calls to replicas: for a risk this gateway did not hold, or to renew a watch.</summary>
    public long Watches => Interlocked.Read(ref _watches);
    /// <summary>Batches (or their events that came back not applied) sent again.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Queues the event; an event without an id gets one, so a batch sent again is applied once.</summary>
    /// <returns>False when the queue was full and the event was dropped.</returns>
    public bool Report(RiskEvent e)
    {
        if (_queue.Writer.TryWrite(e.WithId(_idPrefix, Interlocked.Increment(ref _ids)))) return true;
        Interlocked.Increment(ref _dropped);
        return false;
    }

    public ValueTask<Decision> Decide(string account, string? ip = null, string? proxy = null, CancellationToken ct = default)
    {
        if (Cache.TryGet(account, ip, proxy, out var cached, out var shadow))
        {
            Cache.Shadow.Count(cached, shadow, account);
            Answered(cached, GatewayMetrics.FromCache);
            return ValueTask.FromResult(cached);
        }
        var canonicalIp = DecisionRules.CanonicalRequest(account, ip, proxy);
        // Versions before anything is read: a push that races with the decision makes its entry stale, not wrong.
        var stamp = Cache.StampOf(account, canonicalIp, proxy);
        // Not started (nothing would keep held risks fresh) or no policy yet: the silo decides; nothing is kept.
        if (_observerRef is not { } observer || Cache.Policy.Current is not { } policy) return new(FromSilo(account, canonicalIp, proxy, ct));
        var accountRisk = Held(EntityKind.Account, stamp.Account, observer, policy.Version);
        var ipRisk = Held(EntityKind.Ip, stamp.Ip, observer, policy.Version);
        var proxyRisk = Held(EntityKind.Proxy, stamp.Proxy, observer, policy.Version);
        if (accountRisk is null || (stamp.Ip is not null && ipRisk is null) || (stamp.Proxy is not null && proxyRisk is null))
            return new(FromReplicas(account, ip, proxy, stamp, policy, observer, accountRisk, ipRisk, proxyRisk, ct, new Unheard(
                accountRisk is null && NeverHeardOf(EntityKind.Account, stamp.Account),
                ipRisk is null && NeverHeardOf(EntityKind.Ip, stamp.Ip),
                proxyRisk is null && NeverHeardOf(EntityKind.Proxy, stamp.Proxy))));
        // Every entity's risk is here, as its replica last pushed it: no call. Just after a policy change they may be
        // weighed under the version before, and are being read again under this one: until then the decision is made
        // wholly under the version they were weighed under, and names it.
        if (WeighedUnder(Cache.Policy, accountRisk, ipRisk, proxyRisk) is not { } under)
            return new(FromReplicas(account, ip, proxy, stamp, policy, observer,
                Current(accountRisk, policy), Current(ipRisk, policy), Current(proxyRisk, policy), ct));
        var decision = DecisionRules.Decide(under, accountRisk, ipRisk, proxyRisk);
        Cache.Put(account, ip, proxy, decision, stamp, Cache.Shadow.Compare(under, decision, account, accountRisk, ipRisk, proxyRisk));
        Answered(decision, GatewayMetrics.FromHeld);
        return ValueTask.FromResult(decision);
    }

    /// <summary>
    /// One hop, in parallel, to the replica of each entity whose risk is not held, on a decisions silo: it starts
    /// pushing to this gateway and returns the risk, which is held from then on.
    /// </summary>
    /// <param name="unheard">
    /// The entities the copy of those heard of has never seen: each is waited for at most
    /// <see cref="RiskGatewayOptions.NeverSeenWait"/>, then its empty risk stands in (and the decision is not cached)
    /// while its read goes on behind the answer.
    /// </param>
    private async Task<Decision> FromReplicas(string account, string? ip, string? proxy, Stamp stamp, PolicyView policy, IDecisionObserver observer,
        EntityRisk? accountHeld, EntityRisk? ipHeld, EntityRisk? proxyHeld, CancellationToken ct, Unheard unheard = default)
    {
        try
        {
            var stoodIn = new StrongBox<bool>();
            var accountRisk = accountHeld is null ? Watch(EntityKind.Account, stamp.Account, stamp.AccountVersion, observer) : Task.FromResult<EntityRisk?>(accountHeld);
            var ipRisk = ipHeld is null && stamp.Ip is not null ? Watch(EntityKind.Ip, stamp.Ip, stamp.IpVersion, observer) : Task.FromResult(ipHeld);
            var proxyRisk = proxyHeld is null && stamp.Proxy is not null ? Watch(EntityKind.Proxy, stamp.Proxy, stamp.ProxyVersion, observer) : Task.FromResult(proxyHeld);
            if (unheard.Account) accountRisk = OrEmpty(accountRisk, policy, stoodIn);
            if (unheard.Ip) ipRisk = OrEmpty(ipRisk, policy, stoodIn);
            if (unheard.Proxy) proxyRisk = OrEmpty(proxyRisk, policy, stoodIn);
            await Task.WhenAll(accountRisk, ipRisk, proxyRisk).WaitAsync(_options.DecisionTimeout, ct);
            // Read at this version or later: only a change that landed meanwhile, which this gateway has not heard
            // of yet, leaves them under no version it holds.
            var under = WeighedUnder(Cache.Policy, accountRisk.Result!, ipRisk.Result, proxyRisk.Result) ?? policy;
            var decision = DecisionRules.Decide(under, accountRisk.Result!, ipRisk.Result, proxyRisk.Result);
            // A risk that stood in is not the entity's: the decision is made again once its read is held.
            if (stoodIn.Value)
            {
                Answered(decision, GatewayMetrics.FromNeverSeen);
                return decision;
            }
            Cache.Put(account, ip, proxy, decision, stamp, Cache.Shadow.Compare(under, decision, account, accountRisk.Result!, ipRisk.Result, proxyRisk.Result));
            Answered(decision, GatewayMetrics.FromGrains);
            return decision;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return Unanswered(e);
        }
    }

    private async Task<Decision> FromSilo(string account, string? ip, string? proxy, CancellationToken ct)
    {
        try
        {
            var decision = await _grains.GetGrain<IDecisionGrain>(0).Decide(account, ip, proxy).WaitAsync(_options.DecisionTimeout, ct);
            Answered(decision, GatewayMetrics.FromGrains);
            return decision;
        }
        catch (Exception e) when (e is not ArgumentException && !ct.IsCancellationRequested)
        {
            return Unanswered(e);
        }
    }

    private void Answered(Decision decision, string source)
    {
        Tally.Count(decision.Action);
        _metrics.Decided(decision, source);
    }

    /// <summary>Timed out, or the cluster could not be reached: the configured fail mode answers.</summary>
    private Decision Unanswered(Exception e)
    {
        Interlocked.Increment(ref _timeouts);
        if (e is not TimeoutException) LogUnavailable(e);
        var decision = _options.FailMode == FailMode.Open
            ? new Decision(DecisionAction.Allow, 0, [Unavailable], 0)
            : new Decision(DecisionAction.Block, 100, [Unavailable], 0);
        Answered(decision, GatewayMetrics.FromFailMode);
        return decision;
    }

    /// <summary>
    /// The entity's held risk; read again behind the answer once it is as old as the TTL, or weighed under an older
    /// policy than <paramref name="policyVersion"/>. Null when it must be asked for.
    /// </summary>
    private EntityRisk? Held(EntityKind kind, string? key, IDecisionObserver observer, long policyVersion)
    {
        if (key is null) return null;
        var risk = Cache.HeldRisk(kind, key, out var renew);
        renew |= risk is { PolicyVersion: > 0 } && risk.PolicyVersion < policyVersion;
        if (renew && _renewing.TryAdd((kind, key), true)) _ = Renew(kind, key, observer);
        return risk;
    }

    /// <summary>Whether the copy of the entities heard of has surely never seen this one.</summary>
    private bool NeverHeardOf(EntityKind kind, string? key) => key is not null && !Known.MayExist(kind, key);

    /// <summary>Which of a request's entities the copy of those heard of has never seen.</summary>
    private readonly record struct Unheard(bool Account, bool Ip, bool Proxy);

    /// <summary>
    /// The entity's read if it comes within <see cref="RiskGatewayOptions.NeverSeenWait"/>; else the empty risk an
    /// entity with no events and no override gives, while the read goes on and is held when it comes.
    /// </summary>
    private async Task<EntityRisk?> OrEmpty(Task<EntityRisk?> reading, PolicyView policy, StrongBox<bool> stoodIn)
    {
        try { return await reading.WaitAsync(_options.NeverSeenWait); }
        catch (TimeoutException)
        {
            // Its failure, if it fails, is its own: a later miss asks again.
            _ = reading.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            stoodIn.Value = true;
            return new EntityRisk(0, [], PolicyVersion: policy.Version);
        }
    }

    /// <summary>The risk if it is weighed under <paramref name="policy"/> (or says nothing of its version); else null, to be read again.</summary>
    private static EntityRisk? Current(EntityRisk? risk, PolicyView policy) =>
        risk is null || risk.PolicyVersion == 0 || risk.PolicyVersion == policy.Version ? risk : null;

    /// <summary>
    /// The policy every risk was weighed under, when this gateway holds it (the current version or the one before);
    /// null when they differ. A risk that says nothing of its version goes with any.
    /// </summary>
    private static PolicyView? WeighedUnder(LatestPolicy policies, EntityRisk account, EntityRisk? ip, EntityRisk? proxy)
    {
        var version = account.PolicyVersion;
        if (!Agree(ref version, ip) || !Agree(ref version, proxy)) return null;
        return version == 0 ? policies.Current : policies.Of(version);

        static bool Agree(ref long version, EntityRisk? risk)
        {
            if (risk is null || risk.PolicyVersion == 0) return true;
            if (version == 0) version = risk.PolicyVersion;
            return version == risk.PolicyVersion;
        }
    }

    private async Task Renew(EntityKind kind, string key, IDecisionObserver observer)
    {
        try { await Watch(kind, key, Cache.VersionOf(kind, key), observer); }
        catch (Exception e) { LogRenewFailed(e, kind); } // a later miss renews, or asks once the watch may have lapsed
        finally { _renewing.TryRemove((kind, key), out _); }
    }

    /// <param name="version">The entity's version before the call: a push since then is newer than the answer.</param>
    private async Task<EntityRisk?> Watch(EntityKind kind, string key, long version, IDecisionObserver observer)
    {
        Interlocked.Increment(ref _watches);
        var start = Cache.Now;
        var risk = await _grains.Grain<IRiskReplicaGrain>(IRiskReplicaGrain.Key(kind, key)).Watch(observer, Cache.Policy.Current?.Version ?? 0);
        Cache.Adopt(kind, key, version, risk, start);
        return risk;
    }

    /// <summary>Subscribes to policy pushes before the gateway starts answering, so no change can slip past the cache.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _policyRef = _grains.CreateObjectReference<IPolicyObserver>(Cache);
        await WatchPolicy();
        _observerRef = _grains.CreateObjectReference<IDecisionObserver>(Cache);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = KeepPolicyWatch(stoppingToken);
        _ = KeepKnownEntities(stoppingToken);
        _ = KeepReportingShadow(stoppingToken);
        var batch = new List<RiskEvent>(_options.BatchSize);
        var reader = _queue.Reader;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await reader.WaitToReadAsync(stoppingToken)) break;
                using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                window.CancelAfter(_options.FlushInterval);
                while (batch.Count < _options.BatchSize)
                {
                    if (reader.TryRead(out var e)) { batch.Add(e); continue; }
                    try { if (!await reader.WaitToReadAsync(window.Token)) break; }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { break; }
                }
                // Sent until it arrives: while it is retried, new events wait in the queue (dropped and counted past
                // its capacity), so a long outage never backs up into the request path.
                var receipt = await _client.SendUntilApplied(batch.ToArray(), Retry, OnRetry, stoppingToken);
                var lost = receipt.Rejections.Count(r => r.Reason.StartsWith(IngestRetries.NotApplied, StringComparison.Ordinal));
                Interlocked.Add(ref _sent, receipt.Accepted);
                Interlocked.Add(ref _rejected, receipt.Rejections.Count - lost);
                if (lost > 0)
                {
                    Interlocked.Add(ref _dropped, lost);
                    LogSendFailed(null, lost, _options.SendAttempts);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Interlocked.Add(ref _dropped, batch.Count);
                LogSendFailed(e, batch.Count, _options.SendAttempts);
            }
            batch.Clear();
        }
    }

    private IngestRetryPolicy Retry => new(_options.SendAttempts, _options.RetryBackoff, _options.MaxRetryBackoff);

    private void OnRetry(int attempt, int events, Exception? failure)
    {
        Interlocked.Increment(ref _retries);
        LogRetry(failure, events, attempt);
    }

    /// <summary>
    /// Renews the policy subscription well inside the policy grain's two-minute expiry; every second while no
    /// policy is held, since until then every miss goes to the silo and nothing is cached.
    /// </summary>
    private async Task KeepPolicyWatch(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wait = Cache.Policy.Current is null ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60);
            try { await Task.Delay(wait, ct); } catch (OperationCanceledException) { break; }
            await WatchPolicy();
        }
    }

    /// <summary>Subscribes, then reads: a change between the two arrives by push, and the older read is ignored.</summary>
    private async Task WatchPolicy()
    {
        try
        {
            var policies = _grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default);
            await policies.Subscribe(_policyRef!).WaitAsync(TimeSpan.FromSeconds(5));
            await Cache.PolicyChanged(await policies.Get().WaitAsync(TimeSpan.FromSeconds(5)));
            if (await policies.GetShadow().WaitAsync(TimeSpan.FromSeconds(5)) is { } shadow) await Cache.ShadowChanged(shadow);
        }
        catch (Exception e) { LogWatchFailed(e); }
    }

    /// <summary>Sends the decisions answered since the last report; a report that fails is sent with the next.</summary>
    public async Task ReportTally()
    {
        var buckets = Tally.Take();
        if (buckets.Count == 0) return;
        try { await _grains.GetGrain<IDecisionTallyGrain>(IPolicyGrain.Default).Add(buckets).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception e)
        {
            Tally.Restore(buckets);
            LogTallyReportFailed(e);
        }
    }

    /// <summary>Sends what was counted under the shadow policy since the last report; a report that fails is sent with the next.</summary>
    public async Task ReportShadow()
    {
        var report = _grains.GetGrain<IShadowReportGrain>(IPolicyGrain.Default);
        foreach (var (shadowId, counts) in Cache.Shadow.Take())
        {
            try { await report.Add(shadowId, counts).WaitAsync(TimeSpan.FromSeconds(5)); }
            catch (Exception e)
            {
                Cache.Shadow.Restore(shadowId, counts);
                LogShadowReportFailed(e);
            }
        }
    }

    private async Task KeepKnownEntities(CancellationToken ct)
    {
        if (_options.KnownEntitiesRefresh == Timeout.InfiniteTimeSpan) return;
        DateTime? failingSince = null;
        var warned = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Known.Refresh().WaitAsync(TimeSpan.FromSeconds(10), ct);
                if (warned) LogKnownEntitiesBack();
                (failingSince, warned) = (null, false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // Until it first loads every entity is asked for; after, the copy is held as it was and only entities
                // first heard of since are decided on as never seen. A cluster still starting fails a few refreshes:
                // only a failure that lasts is worth a warning.
                failingSince ??= DateTime.UtcNow;
                if (!warned && DateTime.UtcNow - failingSince > TimeSpan.FromSeconds(30))
                {
                    LogKnownEntitiesFailed(e);
                    warned = true;
                }
                else LogKnownEntitiesRetry(e);
            }
            try { await Task.Delay(_options.KnownEntitiesRefresh, ct); } catch (OperationCanceledException) { break; }
        }
    }

    private async Task KeepReportingShadow(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(_options.ShadowReportInterval, ct); } catch (OperationCanceledException) { break; }
            await ReportShadow();
            await ReportTally();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // What was counted since the last report; a cluster already gone loses it.
        try { await Task.WhenAll(ReportShadow(), ReportTally()).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the entities Risk has heard of for 30 s; refreshing again")]
    private partial void LogKnownEntitiesFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not refresh the entities Risk has heard of; refreshing again")]
    private partial void LogKnownEntitiesRetry(Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the entities Risk has heard of again")]
    private partial void LogKnownEntitiesBack();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send {Count} events to Risk in {Attempts} attempts; they are dropped")]
    private partial void LogSendFailed(Exception? e, int count, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending {Count} events to Risk again (retry {Attempt})")]
    private partial void LogRetry(Exception? e, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Risk could not be reached for a decision; the fail mode answered")]
    private partial void LogUnavailable(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing this gateway's watch of a {Kind} failed")]
    private partial void LogRenewFailed(Exception e, EntityKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report the shadow policy's counts; they go with the next report")]
    private partial void LogShadowReportFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report the decisions answered; they go with the next report")]
    private partial void LogTallyReportFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not subscribe to Risk pushes; cached decisions rely on their TTL")]
    private partial void LogWatchFailed(Exception e);
}
