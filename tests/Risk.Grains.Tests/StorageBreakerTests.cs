using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Risk.Silo;

namespace Risk.Grains.Tests;

/// <summary>Storage that answers, or fails every call but probes' as an unreachable service does, and counts the calls.</summary>
public sealed class SwitchedStorage : IGrainStorage
{
    private int _calls;

    public volatile Exception? Failure;

    /// <summary>Calls other than the breaker's probes.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call(stateName);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call(stateName);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call(stateName);

    private Task Call(string stateName)
    {
        if (stateName != "probe") Interlocked.Increment(ref _calls);
        return Failure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }
}

public class StorageBreakerTests
{
    private static readonly GrainId Account = GrainId.Create("account", "breaker-ann");

    private static StorageBreaker Breaker(IGrainStorage storage) =>
        new(storage, RiskSiloExtensions.StorageAway, Options.Create(new RiskGrainOptions()), NullLogger<StorageBreaker>.Instance);

    private static GrainState<AccountState> State() => new(new AccountState());

    private static async Task Until(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !condition(); await Task.Delay(50))
            Assert.True(DateTime.UtcNow < deadline, "not within 10 s");
    }

    [Fact]
    public async Task Once_a_call_finds_storage_away_calls_are_refused_without_trying_until_a_probe_finds_it_back()
    {
        var storage = new SwitchedStorage { Failure = new RequestFailedException("Connection refused (127.0.0.1:10002)") };
        var breaker = Breaker(storage);

        var found = await Assert.ThrowsAsync<StorageUnavailableException>(() => breaker.WriteStateAsync("account", Account, State()));
        Assert.IsType<RequestFailedException>(found.InnerException);
        Assert.True(breaker.Away);
        var calls = storage.Calls;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => breaker.ReadStateAsync("account", Account, State()));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => breaker.WriteStateAsync("ip", Account, State()));
        Assert.Equal(calls, storage.Calls);

        storage.Failure = null;
        await Until(() => !breaker.Away);
        await breaker.WriteStateAsync("account", Account, State());
        Assert.Equal(calls + 1, storage.Calls);
    }

    [Fact]
    public async Task A_first_write_while_storage_is_away_is_refused_before_it_waits_on_a_stored_keys_shard()
    {
        var breaker = Breaker(new SwitchedStorage { Failure = new RequestFailedException("Connection refused (127.0.0.1:10002)") });
        await Assert.ThrowsAsync<StorageUnavailableException>(() => breaker.WriteStateAsync("account", Account, State()));

        // No grain factory here: a shard asked to take the key would fail otherwise.
        var table = new SkipAbsentReads(breaker, new ServiceCollection().BuildServiceProvider(), NullLogger<SkipAbsentReads>.Instance);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => table.WriteStateAsync("account", Account, State()));
    }

    [Theory]
    [InlineData(400)] // this record refused: an entity too large, a bad key
    [InlineData(404)]
    public async Task A_record_storage_refuses_leaves_storage_in_use(int status)
    {
        var storage = new SwitchedStorage { Failure = new RequestFailedException(status, "refused") };
        var breaker = Breaker(storage);

        await Assert.ThrowsAsync<RequestFailedException>(() => breaker.WriteStateAsync("account", Account, State()));
        storage.Failure = new InconsistentStateException("stored since", "1", "2");
        await Assert.ThrowsAsync<InconsistentStateException>(() => breaker.WriteStateAsync("account", Account, State()));
        Assert.False(breaker.Away);
    }

    [Theory]
    [InlineData(0)] // no answer
    [InlineData(403)] // credentials refused: every call fails alike
    [InlineData(503)] // server busy
    public void Storage_is_away_when_it_did_not_answer_refused_the_credentials_or_could_not_serve(int status) =>
        Assert.True(RiskSiloExtensions.StorageAway(new AggregateException("Retry failed after 3 tries", new RequestFailedException(status, "away"))));

    [Fact]
    public async Task While_storage_is_away_checkpoints_take_nothing_from_the_write_budget()
    {
        var storage = new SwitchedStorage { Failure = new RequestFailedException("Connection refused (127.0.0.1:10002)") };
        var breaker = Breaker(storage);
        using var budget = new CheckpointBudget(Options.Create(new RiskGrainOptions { CheckpointWritesPerSecond = 2 }), breaker);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => breaker.WriteStateAsync("account", Account, State()));

        var waiting = false;
        for (var i = 0; i < 10; i++) Assert.True(budget.TryTake(ref waiting));

        // Back: the budget's second is whole, and past it writes wait.
        storage.Failure = null;
        await Until(() => !breaker.Away);
        Assert.True(budget.TryTake(ref waiting));
        Assert.True(budget.TryTake(ref waiting));
        Assert.False(budget.TryTake(ref waiting));
    }
}
