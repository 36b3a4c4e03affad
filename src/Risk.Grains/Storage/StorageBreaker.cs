using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Risk.Grains;

/// <summary>
/// Grain storage that stops waiting on storage once it has gone away. A call that fails as if storage could not be
/// reached (<c>isAway</c>: no answer, a timeout, a server error; not a refused record) marks it away; from then on
/// every call is refused at once, and a read of a record that need not exist probes storage every
/// <see cref="ProbeEvery"/> until one answers. Without this, every checkpoint during an outage held its grain for the
/// storage client's retries, and ingest stalled behind writes that could not succeed; with it, grains keep applying
/// events in memory and stay dirty, and their next write after a probe answers finds storage there.
/// <para>
/// Calls refused, and calls that found storage away, fail with <see cref="StorageUnavailableException"/> (the
/// storage client's exception inside), which the silo leaves out of its log; this reports them instead: the call that
/// found storage away, with its exception; then per state name at most once per checkpoint interval, how many calls
/// failed; and when storage answers again, how long it was away.
/// </para>
/// </summary>
/// <param name="isAway">Whether an exception of <paramref name="inner"/> says storage could not be reached.</param>
public sealed partial class StorageBreaker(IGrainStorage inner, Func<Exception, bool> isAway, IOptions<RiskGrainOptions> options, ILogger<StorageBreaker> log)
    : IGrainStorage
{
    public static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(1);

    /// <summary>Probes in flight at most, should storage hang rather than refuse.</summary>
    private const int MaxProbes = 4;

    private static readonly GrainId ProbeId = GrainId.Create("storage-probe", "0");

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    /// <summary>When storage was found away, in UTC ticks; 0 while it answers.</summary>
    private long _awaySince;
    private long _failed;
    private int _probes;

    /// <summary>Since when storage has not answered; null while it answers.</summary>
    public DateTime? AwaySince => Interlocked.Read(ref _awaySince) is var ticks and not 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;

    public bool Away => Interlocked.Read(ref _awaySince) != 0;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Call(stateName, () => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Call(stateName, () => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Call(stateName, () => inner.ClearStateAsync(stateName, grainId, grainState));

    /// <summary>The refusal of a call made while storage is away, counted as one of its failures.</summary>
    public StorageUnavailableException Refuse(string stateName, Exception? cause = null)
    {
        Failed(stateName);
        return new StorageUnavailableException($"Storage has not answered since {AwaySince ?? DateTime.UtcNow:u}; {stateName} state was not read or written", cause);
    }

    private async Task Call(string stateName, Func<Task> call)
    {
        if (Away) throw Refuse(stateName);
        try
        {
            await call();
        }
        catch (Exception e) when (isAway(e))
        {
            if (Interlocked.CompareExchange(ref _awaySince, DateTime.UtcNow.Ticks, 0) == 0)
            {
                LogAway(e, stateName);
                // Off the grain's scheduler: the probes outlive the call that found storage away.
                _ = Task.Run(Probe);
            }
            throw Refuse(stateName, e);
        }
    }

    /// <summary>Starts a read every <see cref="ProbeEvery"/>, without waiting for the last, until one answers.</summary>
    private async Task Probe()
    {
        var since = Interlocked.Read(ref _awaySince);
        while (Interlocked.Read(ref _awaySince) == since)
        {
            await Task.Delay(ProbeEvery);
            if (Interlocked.Increment(ref _probes) > MaxProbes)
            {
                Interlocked.Decrement(ref _probes);
                continue;
            }
            _ = ProbeOnce(since);
        }
    }

    private async Task ProbeOnce(long since)
    {
        try
        {
            await inner.ReadStateAsync("probe", ProbeId, new GrainState<ProbeState>());
            if (Interlocked.CompareExchange(ref _awaySince, 0, since) != since) return;
            LogBack(TimeSpan.FromTicks(DateTime.UtcNow.Ticks - since).TotalSeconds, Interlocked.Exchange(ref _failed, 0));
            // Counted in the line above; the next report counts from here.
            foreach (var failures in _failures.Values) Interlocked.Exchange(ref failures.Count, 0);
        }
        catch (Exception)
        {
            // Still away: the next probe is already due.
        }
        finally
        {
            Interlocked.Decrement(ref _probes);
        }
    }

    private void Failed(string stateName)
    {
        Interlocked.Increment(ref _failed);
        var failures = _failures.GetOrAdd(stateName, static _ => new Failures());
        Interlocked.Increment(ref failures.Count);
        var now = Environment.TickCount64;
        var due = Interlocked.Read(ref failures.NextReport);
        var every = options.Value.CheckpointInterval > TimeSpan.Zero ? options.Value.CheckpointInterval : TimeSpan.FromSeconds(30);
        if (now < due || Interlocked.CompareExchange(ref failures.NextReport, now + (long)every.TotalMilliseconds, due) != due) return;
        LogFailed(Interlocked.Exchange(ref failures.Count, 0), stateName, every.TotalSeconds);
    }

    /// <summary>The failures of one state name since they were last reported.</summary>
    private sealed class Failures
    {
        public long Count;
        public long NextReport;
    }

    private sealed class ProbeState;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage did not answer ({State}): until it does, reads and writes are refused at once, changed state is held in memory, and storage is probed every second")]
    private partial void LogAway(Exception e, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage away: {Count} reads and writes of {State} state failed in the last {Seconds:0} s")]
    private partial void LogFailed(long count, string state, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage answers again after {Seconds:0.0} s away ({Failed} reads and writes failed meanwhile); dirty state is written within a checkpoint interval")]
    private partial void LogBack(double seconds, long failed);
}

/// <summary>
/// A read or write that storage did not answer, or that was not tried because storage has not answered lately
/// (<see cref="StorageBreaker"/>); the storage client's exception, if any, is inside.
/// </summary>
public sealed class StorageUnavailableException : OrleansException
{
    public StorageUnavailableException(string message, Exception? inner) : base(message, inner!) { }
}
