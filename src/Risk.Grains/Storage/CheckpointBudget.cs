using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Risk.Grains;

/// <summary>
/// The silo-wide budget for write-behind checkpoints (<see cref="RiskGrainOptions.CheckpointWritesPerSecond"/>): a
/// token bucket that refills about every tenth of a second and holds one second's worth. A checkpoint that finds
/// it empty leaves its state dirty and waits: an interval, plus the time the budget needs to write every entity
/// already waiting. So storage cost stays bounded however many entities are active, the waiting entities wake
/// about as often as the budget can serve them (not all of them every interval), and the price is that rolling
/// state on storage lags further behind under load. Operator actions (write-through) and deactivation never wait.
/// </summary>
public sealed class CheckpointBudget : IDisposable
{
    private readonly TokenBucketRateLimiter? _bucket;
    private readonly int _perSecond;
    /// <summary>What one more waiting entity adds to <see cref="Backlog"/>, as <see cref="RiskMetrics.StateBacklog"/> counts it.</summary>
    private readonly double _secondsPerWrite;
    private long _waiting;

    private readonly StorageBreaker? _storage;

    /// <param name="storage">The storage the checkpoints go to, when it can be found away (Azure storage).</param>
    public CheckpointBudget(IOptions<RiskGrainOptions> options, StorageBreaker? storage = null)
    {
        _storage = storage;
        _perSecond = options.Value.CheckpointWritesPerSecond;
        if (_perSecond <= 0) return;
        _secondsPerWrite = 1.0 / _perSecond;
        var tokensPerPeriod = Math.Max(1, _perSecond / 10);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _perSecond,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)tokensPerPeriod / _perSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>Entities whose checkpoint the budget has put off and that have not written since.</summary>
    public long Waiting => Interlocked.Read(ref _waiting);

    /// <summary>How long the budget needs to write every entity waiting now.</summary>
    public TimeSpan Backlog => _perSecond <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)Waiting / _perSecond);

    /// <summary>
    /// Takes one write from the budget; false when this second's writes are spent. While storage is away a write is
    /// refused before it reaches storage, so it costs nothing: otherwise the outage's retries would spend the writes
    /// that storage's return needs.
    /// </summary>
    /// <param name="waiting">Whether the caller is already counted as waiting; updated to what it is now.</param>
    public bool TryTake(ref bool waiting)
    {
        bool taken;
        if (_bucket is null || _storage is { Away: true }) taken = true;
        else
        {
            using var lease = _bucket.AttemptAcquire();
            taken = lease.IsAcquired;
        }
        if (taken && waiting) Left();
        else if (!taken && !waiting) Joined();
        waiting = !taken;
        return taken;
    }

    /// <summary>A waiting entity that wrote another way (deactivation, write-through) leaves the count.</summary>
    public void Leave(ref bool waiting)
    {
        if (!waiting) return;
        Left();
        waiting = false;
    }

    private void Joined()
    {
        Interlocked.Increment(ref _waiting);
        RiskMetrics.StateBacklog.Add(_secondsPerWrite);
    }

    private void Left()
    {
        Interlocked.Decrement(ref _waiting);
        RiskMetrics.StateBacklog.Add(-_secondsPerWrite);
    }

    public void Dispose() => _bucket?.Dispose();
}
