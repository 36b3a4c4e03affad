using CsCheck;
using Risk.Contracts;
using Risk.Tests.Fuzz;
using Xunit.Abstractions;

namespace Risk.Grains.Tests;

/// <summary>Ingest against batches it must not trust, on a two-silo cluster: no exception escapes, and every row is counted once.</summary>
public class IngestFuzzTests(ClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Hostile_batches_never_fail_ingest_and_every_row_is_accepted_or_refused_exactly_as_the_contract_says()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        string[] accounts = [.. Enumerable.Range(0, 6).Select(i => $"fz{run}-{i}")];
        var ingest = fixture.Grains.GetGrain<IIngestGrain>(0);
        // Accepted events per account grain: two ids that are one grain key (an ill-formed string and its U+FFFD
        // form, as the wire also folds them) count together.
        var applied = new Dictionary<string, int>();
        var (batches, rows, accepted) = (0, 0, 0);
        var started = DateTime.UtcNow;

        await HostileBatches.Batch(() => DateTime.UtcNow, accounts).SampleAsync(async batch =>
        {
            var expected = HostileBatches.Expected(batch, DateTime.UtcNow);
            var receipt = await ingest.Ingest(batch);
            batches++;
            rows += batch.Count;

            Assert.Equal(batch.Count, receipt.Accepted + receipt.Rejections.Count);
            var indexes = receipt.Rejections.Select(r => r.Index).ToArray();
            Assert.All(indexes, i => Assert.InRange(i, 0, batch.Count - 1));
            Assert.Equal(indexes.Distinct().Count(), indexes.Length);
            // Refused for exactly what the contract refuses, and never because a grain failed on what it let through.
            var refused = Enumerable.Range(0, batch.Count).Where(i => expected[i] is not null).Select(i => (i, expected[i]));
            Assert.Equal(refused, receipt.Rejections.Select(r => (r.Index, (string?)r.Reason)));

            for (var i = 0; i < batch.Count; i++)
            {
                if (expected[i] is not null) continue;
                var key = GrainKeys.Account(batch.Strings[batch.Rows[i].Account]!);
                applied[key] = applied.GetValueOrDefault(key) + 1;
                accepted++;
            }
        }, iter: 500, threads: 1, print: HostileBatches.Show);

        // Each account grain holds exactly the events that were accepted for it.
        foreach (var (key, events) in applied)
            Assert.Equal(events, (await fixture.Grains.GetGrain<IAccountGrain>(key).GetVerdict()).Events);

        // And the cluster still takes events and decides.
        var known = $"fz{run}-known";
        var receipt = await ingest.Ingest([new RiskEvent(DateTime.UtcNow.AddMinutes(-1), known, "198.51.100.77", Asn: 64500)]);
        Assert.Equal((1, 0), (receipt.Accepted, receipt.Rejections.Count));
        var decision = await fixture.Grains.GetGrain<IDecisionGrain>(0).Decide(known, "198.51.100.77", null);
        Assert.True(decision.PolicyVersion > 0);
        Assert.Equal(1, (await fixture.Grains.GetGrain<IAccountGrain>(GrainKeys.Account(known)).GetVerdict()).Events);

        output.WriteLine($"{batches} batches, {rows} rows ({accepted} accepted, {rows - accepted} refused), {applied.Count} accounts, "
            + $"in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        Assert.True(accepted > 0 && accepted < rows, "the generator reaches only one outcome");
    }
}
