using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Serialization;
using Risk.Contracts;
using Risk.Edge;
using Risk.Silo;

namespace Risk.Grains.Tests;

/// <summary>
/// Orleans moves activations between silos with their state (rebalancing, a silo leaving); a state it cannot serialize
/// stays behind and the grain starts over from storage on the other silo.
/// </summary>
public class StateMigrationTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private Serializer Serializer => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<Serializer>();

    [Fact]
    public void Every_grain_state_can_travel_with_its_activation()
    {
        var states = typeof(AccountState).Assembly.GetTypes().Where(RiskSiloExtensions.IsGrainState).ToArray();
        Assert.Contains(typeof(AccountState), states);
        Assert.Contains(typeof(NetworkState), states);
        Assert.All(states, type => Assert.True(Serializer.CanSerialize(type), type.Name));
    }

    [Fact]
    public void An_accounts_state_arrives_as_it_left()
    {
        var ts = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        var state = new AccountState { Account = "mover-ann", Override = OverrideAction.Block, HomeCluster = "pay:x" };
        for (var i = 0; i < 5; i++)
        {
            var e = new RiskEvent(ts.AddMinutes(i), "mover-ann", "198.18.8.8", Payment: "pm_x", Model: "model-a", Id: $"m-{i}");
            state.Profile.Observe(e, null, false);
            (state.EventIds ??= new()).Admit(StableHash64.Of("event", e.Id!), e.Ts, 64);
        }

        var moved = Serializer.Deserialize<AccountState>(Serializer.SerializeToArray(state))!;

        Assert.Equal(JsonSerializer.Serialize(state), JsonSerializer.Serialize(moved));
        Assert.Equal(5, moved.Profile.Events);
    }

    [Fact]
    public async Task An_account_moved_to_another_silo_keeps_its_counters()
    {
        var ts = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        var account = fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account("mover-bea"));
        await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest(
            Enumerable.Range(0, 4).Select(i => new RiskEvent(ts.AddMinutes(i), "mover-bea", "198.18.8.9")).ToArray());

        await account.AsReference<IGrainManagementExtension>().MigrateOnIdle();

        Assert.Equal(4, (await account.GetVerdict()).Events);
    }
}
