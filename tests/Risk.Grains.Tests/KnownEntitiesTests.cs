using Risk.Client.Gateway;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Grains.Tests;

/// <summary>How a gateway's copy of the keys heard of follows the stored-keys shards.</summary>
public class KnownEntitiesTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_shards_log_gives_a_copy_the_keys_added_since_it_last_read_and_the_whole_filter_when_it_cannot()
    {
        var shard = fixture.Grains.GetGrain<IStoredKeysGrain>(7);
        var first = await shard.Since(0, 0);
        Assert.NotNull(first.Bits);
        var key = StoredKeys.Hash("account", fixture.Grains.Grain<IAccountGrain>(GrainKeys.Account("known-log-ann")).GetGrainId());
        Assert.False(KeyFilter.FromBytes(first.Bits!).MayContain(key));

        Assert.False(await shard.Claim(key));
        var next = await shard.Since(first.Epoch, first.Position);

        Assert.Null(next.Bits);
        Assert.Contains(key, next.Added);
        Assert.Equal(first.Position + next.Added.Length, next.Position);
        // Another activation's log, or a position the log has not reached: the whole filter, with the key in it.
        var other = await shard.Since(first.Epoch + 1, next.Position);
        Assert.True(KeyFilter.FromBytes(other.Bits!).MayContain(key));
        Assert.NotNull((await shard.Since(first.Epoch, next.Position + 10)).Bits);
    }

    [Fact]
    public async Task A_copy_hears_of_an_account_once_it_took_an_event_and_never_of_one_only_asked_about()
    {
        var known = new KnownEntities(fixture.Grains);
        Assert.True(known.MayExist(EntityKind.Account, GrainKeys.Account("known-later")), "before it is loaded, every entity may exist");
        await known.Refresh();
        Assert.True(known.Loaded);
        Assert.False(known.MayExist(EntityKind.Account, GrainKeys.Account("known-later")));

        await fixture.Grains.GetGrain<IIngestGrain>(0).Ingest([Traffic.Ordinary("known-later", 0, ip: "192.0.2.230")]);

        var heard = await Traffic.Eventually(async () =>
        {
            await known.Refresh();
            return known.MayExist(EntityKind.Account, GrainKeys.Account("known-later")) && known.MayExist(EntityKind.Ip, GrainKeys.Ip("192.0.2.230"));
        }, done => done);
        Assert.True(heard);
        Assert.False(known.MayExist(EntityKind.Account, GrainKeys.Account("known-never")));
    }
}
