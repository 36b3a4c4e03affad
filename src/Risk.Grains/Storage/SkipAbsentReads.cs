using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Grains;

/// <summary>
/// Grain storage that does not read what cannot be there. Every new account, IP, proxy and cluster used to
/// read storage on its first activation and find nothing: half of all storage calls, and what held ingest on Azure
/// Table far below memory storage's speed. A Bloom filter of the keys that may have a record,
/// in <see cref="Shards"/> grains (<see cref="StoredKeysGrain"/>), answers instead. A key enters it before its
/// record's first write and never leaves, so the filter can only say "maybe" wrongly (then the read is made, as
/// before), never "no" wrongly. Policy and the model catalogue are always read.
/// <para>
/// Since a key is claimed when its entity is first read, before that entity takes any event or override, the filter
/// also tells whether an entity was ever heard of: gateways keep a copy of it (<see cref="IStoredKeysGrain.Since"/>)
/// and decide on an account never seen at once, rather than wait for its activation on a silo busy with ingest.
/// Memory storage keeps the filter for that alone: its reads are as cheap as asking the filter, so they are made,
/// and the claim is sent alongside without being waited for (<paramref name="skipReads"/>).
/// </para>
/// <para>
/// If a record is stored that the filter does not hold (its shard rows lost, or a key whose shard could not
/// answer its claim and that was first written on the way down, when shards are not asked), the entity starts
/// empty and its first write, an insert, fails on the stored record: <see cref="WriteBehindGrain{TState}"/> then
/// drops the activation and the next one reads what is stored. The layout (<see cref="Shards"/>,
/// <see cref="BitsPerShard"/>, <see cref="KeyFilter"/>'s probes) is part of a table's data: change it only with a
/// new table.
/// </para>
/// </summary>
/// <param name="skipReads">Whether a key the filter has never seen is not read; else it is read, and claimed alongside.</param>
public sealed partial class SkipAbsentReads(IGrainStorage table, IServiceProvider services, ILogger<SkipAbsentReads> log, bool skipReads = true) : IGrainStorage
{
    /// <summary>The Azure Table provider behind its <see cref="StorageBreaker"/>, which the shards themselves use.</summary>
    public const string Storage = "risk-table";

    public const int Shards = StoredKeys.Shards;

    public const int BitsPerShard = StoredKeys.BitsPerShard;

    /// <summary>How long a shard gathers new keys before it writes them (and a first write waits at most).</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(1);

    private static readonly FrozenSet<string> Filtered = FrozenSet.ToFrozenSet(["account", "ip", "proxy", "cluster"], StringComparer.Ordinal);

    private IGrainFactory? _grains;
    private IHostApplicationLifetime? _lifetime;

    private IGrainFactory Grains => _grains ??= services.GetRequiredService<IGrainFactory>();

    private bool Stopping => (_lifetime ??= services.GetService<IHostApplicationLifetime>())?.ApplicationStopping.IsCancellationRequested ?? false;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Filtered.Contains(stateName))
        {
            var hash = Hash(stateName, grainId);
            if (!skipReads)
            {
                // Not waited for: gateways read the filter a second at a time, so a claim that lands just after the
                // entity's first event is seen by them as soon as one made before it; and the read goes on meanwhile
                // (a first decision on a stored entity waits for this read).
                _ = ClaimBehind(hash, grainId);
                await table.ReadStateAsync(stateName, grainId, grainState);
                return;
            }
            bool mayExist;
            try { mayExist = await Shard(hash).Claim(hash); }
            catch (Exception ex)
            {
                LogShardFailed(ex, grainId);
                mayExist = true;
            }
            if (!mayExist)
            {
                RiskMetrics.StateReadsSkipped.Add(1);
                return;
            }
        }
        await table.ReadStateAsync(stateName, grainId, grainState);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // On the way down the shards deactivate with everything else, and each stores its claims as it goes, so a
        // key claimed when its entity was read is stored already. Asking a shard then would only fail (placement
        // retries every call to a grain that can no longer activate) and slow the flush past the host's shutdown
        // timeout; in one run that cost 49 of 6,667 accounts' state.
        if (!grainState.RecordExists && Filtered.Contains(stateName) && !Stopping)
        {
            // A write storage would refuse must not wait on the shard's write, which storage would refuse too.
            if (table is StorageBreaker { Away: true } breaker) throw breaker.Refuse(stateName);
            var hash = Hash(stateName, grainId);
            await Shard(hash).Register(hash);
        }
        await table.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        table.ClearStateAsync(stateName, grainId, grainState);

    private async Task ClaimBehind(ulong hash, GrainId grainId)
    {
        try { await Shard(hash).Claim(hash); }
        catch (Exception ex) { LogShardFailed(ex, grainId); }
    }

    private static ulong Hash(string stateName, GrainId grainId) => StoredKeys.Hash(stateName, grainId);

    private IStoredKeysGrain Shard(ulong hash) => Grains.GetGrain<IStoredKeysGrain>(StoredKeys.ShardOf(hash));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored-keys shard for {GrainId} did not answer")]
    private partial void LogShardFailed(Exception e, GrainId grainId);
}
