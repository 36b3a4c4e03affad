using Risk.Edge;
using Risk.Tests.Shared;
using Risk.Tools;

namespace Risk.Simulation.Tests;

/// <summary>Simulates one world, replays it into a cluster and scores what the cluster concluded, as `risk evaluate` does.</summary>
public static class WorldRun
{
    public static async Task<Evaluation> Evaluate(EmbeddedCluster cluster, double scale, int seed, Recipe recipe)
    {
        var dir = Directory.CreateTempSubdirectory("risk-world-").FullName;
        try
        {
            Simulator.Write("all", dir, scale, seed, recipe: recipe);
            var events = Path.Combine(dir, "events.jsonl");
            var summary = await new Replayer(cluster.Client).Replay(events);
            Assert.Equal(0, summary.Rejected);
            var outcomes = (await AccountExport.Fetch(cluster.Client, summary.Accounts))
                .Select(v => new AccountOutcome(v.Account, Wire.Action(v.Decision.Action), v.Cluster, v.FirstFlaggedAt)).ToArray();
            return Evaluator.Score(outcomes, Labels.Read(Path.Combine(dir, "labels.json")), await Evaluator.RequestsToFlag(events, outcomes));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
