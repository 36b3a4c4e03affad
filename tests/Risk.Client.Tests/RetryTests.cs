using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Risk.Client.Gateway;
using Risk.Contracts;
using Risk.Tests.Shared;

namespace Risk.Client.Tests;

/// <summary>Calls the silo fails on demand: an ingest call whose answer is lost after it was applied, or an account's Observe.</summary>
public sealed class CallFaults
{
    public int LoseIngestAnswers;
    public int FailObserves;
    public string FailObservesOf = "";
}

/// <summary>A one-silo cluster whose calls fail as <see cref="CallFaults"/> says, as a dying silo or a dropped connection fails them.</summary>
public sealed class FlakyCluster : EmbeddedCluster
{
    public CallFaults Faults { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        var faults = Faults;
        silo.AddIncomingGrainCallFilter(async context =>
        {
            var method = context.InterfaceMethod?.Name;
            if (method == nameof(IAccountGrain.Observe) && context.TargetId.ToString().Contains(faults.FailObservesOf, StringComparison.Ordinal)
                && faults.FailObservesOf.Length > 0 && Interlocked.Decrement(ref faults.FailObserves) >= 0)
                throw new TimeoutException("the account's silo did not answer");
            await context.Invoke();
            if (method == nameof(IIngestGrain.Ingest) && Interlocked.Decrement(ref faults.LoseIngestAnswers) >= 0)
                throw new TimeoutException("the answer was lost on the way back");
        });
    }
}

public class RetryTests(FlakyCluster fixture) : IClassFixture<FlakyCluster>
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly IngestRetryPolicy Quick = new(Attempts: 5, FirstBackoff: TimeSpan.FromMilliseconds(10));

    private static RiskEvent[] Events(string account, string ip, int count, string idPrefix) =>
        Enumerable.Range(0, count).Select(i => new RiskEvent(T0.AddMinutes(i), account, ip, Id: $"{idPrefix}-{i}")).ToArray();

    private async Task<long> AccountEvents(string account) => (await fixture.Client.Verdict(account)).Events;

    private async Task<long> IpEvents(string ip) =>
        (await fixture.Cluster.Client.GetGrain<IIpGrain>(GrainKeys.Ip(ip)).GetRisk()).Events;

    [Fact]
    public async Task A_batch_whose_answer_was_lost_is_sent_again_and_counts_once()
    {
        var batch = Events("retry-lost", "198.18.9.1", 8, "lost");
        fixture.Faults.LoseIngestAnswers = 1;
        var retries = 0;

        var receipt = await fixture.Client.SendUntilApplied(batch, Quick, (_, _, _) => retries++);

        Assert.Equal(1, retries);
        Assert.Equal((8, 8), (receipt.Accepted, receipt.Duplicates));
        Assert.Empty(receipt.Rejections);
        Assert.Equal(8, await AccountEvents("retry-lost"));
        Assert.Equal(8, await IpEvents("198.18.9.1"));
    }

    [Fact]
    public async Task Events_that_came_back_not_applied_are_sent_again_and_their_ip_counts_them_once()
    {
        var batch = Events("retry-fine", "198.18.9.2", 5, "fine").Concat(Events("retry-flaky", "198.18.9.2", 4, "flaky")).ToArray();
        (fixture.Faults.FailObservesOf, fixture.Faults.FailObserves) = ("retry-flaky", 1);
        var sent = new List<int>();

        var receipt = await fixture.Client.SendUntilApplied(batch, Quick, (_, events, _) => sent.Add(events));

        Assert.Equal([4], sent);
        Assert.Equal((9, 0), (receipt.Accepted, receipt.Duplicates));
        Assert.Empty(receipt.Rejections);
        Assert.Equal(4, await AccountEvents("retry-flaky"));
        // The IP saw the flaky account's events in both sends.
        Assert.Equal(9, await IpEvents("198.18.9.2"));
    }

    [Fact]
    public async Task Events_still_not_applied_when_the_attempts_run_out_are_refused_with_the_reason()
    {
        var batch = Events("retry-gone", "198.18.9.3", 3, "gone");
        (fixture.Faults.FailObservesOf, fixture.Faults.FailObserves) = ("retry-gone", 100);
        try
        {
            var receipt = await fixture.Client.SendUntilApplied(batch, Quick with { Attempts = 3 });

            Assert.Equal(0, receipt.Accepted);
            Assert.Equal([0, 1, 2], receipt.Rejections.Select(r => r.Index));
            Assert.All(receipt.Rejections, r => Assert.StartsWith("not applied: TimeoutException", r.Reason));
        }
        finally { fixture.Faults.FailObserves = 0; }
    }

    [Fact]
    public async Task A_gateway_numbers_its_events_and_sends_a_batch_again_until_it_arrives_once()
    {
        var gateway = new RiskGateway(fixture.Cluster.Client, Options.Create(new RiskGatewayOptions
        {
            RetryBackoff = TimeSpan.FromMilliseconds(10), FlushInterval = TimeSpan.FromMilliseconds(20),
        }), NullLogger<RiskGateway>.Instance);
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            fixture.Faults.LoseIngestAnswers = 2;
            foreach (var e in Events("retry-gateway", "198.18.9.4", 6, "unused")) Assert.True(gateway.Report(e with { Id = null }));
            for (var deadline = DateTime.UtcNow.AddSeconds(10); gateway.Sent < 6 && DateTime.UtcNow < deadline;) await Task.Delay(20);

            Assert.Equal(6, gateway.Sent);
            Assert.Equal(0, gateway.Dropped);
            Assert.True(gateway.Retries >= 1);
            Assert.Equal(6, await AccountEvents("retry-gateway"));
            Assert.Equal(6, await IpEvents("198.18.9.4"));
        }
        finally
        {
            fixture.Faults.LoseIngestAnswers = 0;
            await gateway.StopAsync(CancellationToken.None);
        }
    }
}
