using Risk.Contracts;
using Risk.Edge;

namespace Risk.Grains.Tests;

/// <summary>What the console draws of a cluster: its risk and its recent members, followed through merges.</summary>
public class ClusterViewTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IClusterGrain Cluster(string id) => fixture.Grains.GetGrain<IClusterGrain>(id);

    private static MemberReport Report(string account, double score = 60) =>
        new(account, Traffic.T0, score, 1, true, 0);

    [Fact]
    public async Task A_cluster_shows_its_risk_and_its_recent_members_latest_first()
    {
        // Reports are one-way: the second is sent once the first has arrived, so their order is known.
        await Cluster("view-a").Report(Report("view-ann"));
        await Traffic.Eventually(() => Cluster("view-a").View(), v => v.RecentMembers.Count == 1);
        await Cluster("view-a").Report(Report("view-bo"));

        var view = await Traffic.Eventually(() => Cluster("view-a").View(), v => v.RecentMembers.Count == 2);

        Assert.Equal("view-a", view.Risk.ClusterId);
        Assert.Equal(["view-bo", "view-ann"], view.RecentMembers);
        Assert.Equal(2, view.Risk.Members);
        Assert.Equal((await Cluster("view-a").GetRisk()).Risk.Score, view.Risk.Risk.Score);
    }

    [Fact]
    public async Task A_merged_cluster_shows_the_cluster_it_joined()
    {
        await Cluster("view-m1").Report(Report("view-cy"));
        await Cluster("view-m2").Report(Report("view-dee"));
        await Traffic.Eventually(() => Cluster("view-m2").View(), v => v.RecentMembers.Count == 1);

        await Cluster("view-m2").Merge("view-m1");
        var view = await Traffic.Eventually(() => Cluster("view-m2").View(), v => v.RecentMembers.Count == 2);

        Assert.Equal("view-m1", view.Risk.ClusterId);
        Assert.Equal(["view-dee", "view-cy"], view.RecentMembers);
        Assert.Equal(view.RecentMembers, (await Cluster("view-m1").View()).RecentMembers);
    }
}
