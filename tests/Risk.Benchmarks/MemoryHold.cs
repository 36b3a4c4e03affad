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
        await Task.Run(Console.ReadLine);
    }
}
