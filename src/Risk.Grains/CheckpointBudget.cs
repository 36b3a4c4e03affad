using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Risk.Grains;

/// <summary>
/// The silo-wide budget for write-behind checkpoints (<see cref="RiskGrainOptions.CheckpointWritesPerSecond"/>): a
/// token bucket that refills every tenth of a second and holds one second's worth. A checkpoint that finds it
/// empty leaves its state dirty for the next interval, so storage cost stays bounded however many entities are
/// active, and the price is that rolling state on storage lags further behind under load. Operator actions
/// (write-through) and deactivation never wait for it.
/// </summary>
public sealed class CheckpointBudget : IDisposable
{
    private readonly TokenBucketRateLimiter? _bucket;

    public CheckpointBudget(IOptions<RiskGrainOptions> options)
    {
        var perSecond = options.Value.CheckpointWritesPerSecond;
        if (perSecond <= 0) return;
        var tokensPerPeriod = Math.Max(1, perSecond / 10);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)tokensPerPeriod / perSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>Takes one write from the budget; false when this interval's writes are spent.</summary>
    public bool TryTake()
    {
        if (_bucket is null) return true;
        using var lease = _bucket.AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose() => _bucket?.Dispose();
}
