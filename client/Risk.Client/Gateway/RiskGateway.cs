using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Client.Gateway;

/// <summary>
/// What a .NET gateway embeds. <see cref="Report"/> queues an event and never blocks the request path: past the
/// queue's capacity, events are dropped and counted. A background loop sends them in batches. <see cref="Decide"/>
/// answers from a local cache that grains keep fresh by push; a miss asks the grains, waiting at most
/// <see cref="RiskGatewayOptions.DecisionTimeout"/> before the configured fail mode answers.
/// </summary>
public sealed partial class RiskGateway : BackgroundService
{
    public const string Unavailable = "risk_unavailable";

    private readonly IGrainFactory _grains;
    private readonly RiskGatewayOptions _options;
    private readonly ILogger<RiskGateway> _log;
    private readonly Channel<RiskEvent> _queue;
    private IDecisionObserver? _observerRef;
    private IPolicyObserver? _policyRef;
    private long _dropped, _sent, _rejected, _timeouts;

    public RiskGateway(IGrainFactory grains, IOptions<RiskGatewayOptions> options, ILogger<RiskGateway> log)
    {
        _grains = grains;
        _options = options.Value;
        _log = log;
        _queue = Channel.CreateBounded<RiskEvent>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            // Wait, not DropWrite: with Wait, TryWrite says false when full (it never waits), so drops can be counted.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        Cache = new DecisionCache(_options.CacheCapacity, _options.CacheTtl);
    }

    public DecisionCache Cache { get; }
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Sent => Interlocked.Read(ref _sent);
    public long Rejected => Interlocked.Read(ref _rejected);
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <returns>False when the queue was full and the event was dropped.</returns>
    public bool Report(RiskEvent e)
    {
        if (_queue.Writer.TryWrite(e)) return true;
        Interlocked.Increment(ref _dropped);
        return false;
    }

    public ValueTask<Decision> Decide(string account, string? ip = null, string? proxy = null, CancellationToken ct = default) =>
        Cache.TryGet(account, ip, proxy, out var cached) ? ValueTask.FromResult(cached) : new ValueTask<Decision>(Miss(account, ip, proxy, ct));

    private async Task<Decision> Miss(string account, string? ip, string? proxy, CancellationToken ct)
    {
        var versions = Cache.Versions(account, ip, proxy);
        // Watch first, so the entities know to push before they are read; cache the answer only once the watch
        // is in place, so no cached decision can miss its invalidation.
        var watching = WatchAsync(account, ip, proxy);
        try
        {
            var decision = await _grains.GetGrain<IDecisionGrain>(0).Decide(account, ip, proxy).WaitAsync(_options.DecisionTimeout, ct);
            _ = CacheOnceWatched(watching, account, ip, proxy, decision, versions);
            return decision;
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _timeouts);
            return _options.FailMode == FailMode.Open
                ? new Decision(DecisionAction.Allow, 0, [Unavailable], 0)
                : new Decision(DecisionAction.Block, 100, [Unavailable], 0);
        }
    }

    private async Task CacheOnceWatched(Task<bool> watching, string account, string? ip, string? proxy, Decision decision, (long, long, long, long) versions)
    {
        if (await watching) Cache.Put(account, ip, proxy, decision, versions);
    }

    /// <summary>Asks the entities behind a decision to push when they change. True once all of them agreed.</summary>
    private async Task<bool> WatchAsync(string account, string? ip, string? proxy)
    {
        // Not started (no observer yet): nothing would invalidate an entry, so nothing is cached.
        if (_observerRef is null) return false;
        try
        {
            await Task.WhenAll(
                _grains.GetGrain<IAccountGrain>(GrainKeys.Account(account)).Watch(_observerRef),
                ip is null ? Task.CompletedTask : _grains.GetGrain<IIpGrain>(GrainKeys.Ip(ip)).Watch(_observerRef),
                proxy is null ? Task.CompletedTask : _grains.GetGrain<IProxyGrain>(GrainKeys.Proxy(proxy)).Watch(_observerRef));
            return true;
        }
        catch (Exception e)
        {
            LogWatchFailed(e);
            return false;
        }
    }

    /// <summary>Subscribes to policy pushes before the gateway starts answering, so no change can slip past the cache.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _observerRef = _grains.CreateObjectReference<IDecisionObserver>(Cache);
        _policyRef = _grains.CreateObjectReference<IPolicyObserver>(Cache);
        await WatchPolicy();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = KeepPolicyWatch(stoppingToken);
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
                var receipt = await _grains.GetGrain<IIngestGrain>(0).Ingest(batch.ToArray());
                Interlocked.Add(ref _sent, receipt.Accepted);
                Interlocked.Add(ref _rejected, receipt.Rejections.Count);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The batch is lost, not retried: reporting must never back up into the request path.
                Interlocked.Add(ref _dropped, batch.Count);
                LogSendFailed(e, batch.Count);
            }
            batch.Clear();
        }
    }

    /// <summary>Renews the policy subscription well inside the policy grain's two-minute expiry.</summary>
    private async Task KeepPolicyWatch(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(60), ct); } catch (OperationCanceledException) { break; }
            await WatchPolicy();
        }
    }

    private async Task WatchPolicy()
    {
        try { await _grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).Subscribe(_policyRef!).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception e) { LogWatchFailed(e); }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send {Count} events to Risk; they are dropped")]
    private partial void LogSendFailed(Exception e, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not subscribe to Risk pushes; cached decisions rely on their TTL")]
    private partial void LogWatchFailed(Exception e);
}
