using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>
/// Each silo's copy of the policy, so a decision never waits on the policy grain. The policy grain pushes every
/// change here through a grain observer before it acknowledges the change; a slow poll backs the push up in case
/// a notification was lost or this silo joined late.
/// </summary>
public sealed partial class PolicyCache(IGrainFactory grains, ILogger<PolicyCache> log) : BackgroundService, IPolicyObserver
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(30);

    private readonly LatestPolicy _latest = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this silo hears policy pushes; until then a change may reach it only by the poll.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>The policy as this silo knows it; loads it on first use.</summary>
    public async ValueTask<PolicyView> Get() => _latest.Current ?? await Load();

    /// <summary>
    /// The policy, at least at <paramref name="version"/>: a caller that has heard of a newer version than this silo
    /// (a push that has not arrived yet) has it read from the policy grain first.
    /// </summary>
    public async ValueTask<PolicyView> Get(long version) =>
        _latest.Current is { } current && current.Version >= version ? current : await Load();

    public Task PolicyChanged(RiskPolicy policy)
    {
        Apply(policy);
        return Task.CompletedTask;
    }

    /// <summary>Shadows are compared where decisions are answered, by the gateways (the silo's own HTTP one included).</summary>
    public Task ShadowChanged(ShadowPolicy shadow) => Task.CompletedTask;

    private async Task<PolicyView> Load()
    {
        var policy = await grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).Get();
        return Apply(policy);
    }

    private PolicyView Apply(RiskPolicy policy)
    {
        // Notifications may race with a poll; LatestPolicy never steps back to an older version.
        var (view, changed) = _latest.Apply(policy);
        if (changed) LogPolicy(view.Version);
        return view;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = grains.CreateObjectReference<IPolicyObserver>(this);
        var subscribed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).Subscribe(self);
                await Load();
                subscribed = true;
                _subscribed.TrySetResult();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Early on the silo may still be starting: retry within a second until the first subscription holds.
                if (subscribed) LogRefreshFailed(e);
            }
            try { await Task.Delay(subscribed ? RefreshEvery : TimeSpan.FromSeconds(1), stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy version {Version} in effect on this silo")]
    private partial void LogPolicy(long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the policy; keeping the last known version")]
    private partial void LogRefreshFailed(Exception e);
}
