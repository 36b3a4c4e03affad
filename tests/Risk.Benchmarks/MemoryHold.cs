namespace Risk.Benchmarks;

/// <summary>
/// A silo on memory storage left holding the ingest step's accounts, for a heap snapshot of it
/// (`dotnet-gcdump collect -p PID`): where the bytes per active account go, which RSS alone cannot say.
/// </summary>
public static class MemoryHold
{
    public static async Task Run(Scale scale, int copies)
    {
        var traffic = BenchTraffic.Create(scale.HydraScale, scale.BenignScale, seed: 11);
        await using var silo = await SiloProcess.Start(("Risk:Storage", "memory"), ("Risk:Role", "entities"));
        // One copy first, on accounts of its own, so that what the silo allocates once (JIT, pools) is not counted.
        await EngineBenchmark.Ingest(silo.Grains, traffic.Copies(1, first: copies * 5));
        var before = silo.RssBytes;
        var ingest = await EngineBenchmark.Ingest(silo.Grains, traffic.Copies(copies));
        var accounts = traffic.Accounts * copies;
        Console.WriteLine($"pid {silo.ProcessId}: {ingest.Events:N0} events, {accounts:N0} accounts (+{traffic.Accounts:N0} warm-up); " +
            $"RSS +{(silo.RssBytes - before) / 1e6 / accounts * 10_000:F1} MB per 10k accounts. A line on stdin ends it.");
        // Each activation costs Orleans' own objects whatever its state: how many each account brings, by grain type.
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        var all = accounts + traffic.Accounts;
        foreach (var type in (await management.GetSimpleGrainStatistics()).GroupBy(s => s.GrainType).OrderByDescending(g => g.Sum(s => s.ActivationCount)).Take(12))
            Console.WriteLine($"  {type.Sum(s => s.ActivationCount),8:N0} {type.Key} ({(double)type.Sum(s => s.ActivationCount) / all:F2} per account)");
        await Task.Run(Console.ReadLine);
    }
}
