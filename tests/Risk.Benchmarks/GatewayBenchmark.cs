using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Risk.Client.Gateway;
using Risk.Contracts;

namespace Risk.Benchmarks;

/// <summary>
/// The gateway path (issue 4): a cached Decide; a cache miss against the raw Orleans ping of the same run; and the
/// latency nginx's auth step adds at a fixed request rate. Each figure is the median over several rounds.
/// </summary>
public sealed class GatewayBenchmark(IGrainFactory grains, Uri siloHttp, bool quick)
{
    private int Rounds => quick ? 3 : 5;
    private int Calls => quick ? 2_000 : 20_000;

    public async Task<double> PingP99()
    {
        var rounds = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var latencies = new Latencies(Calls);
            for (var i = 0; i < Calls; i++)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                await grains.GetGrain<IPingGrain>(i % 1000).Ping();
                latencies.Add(Latencies.Microseconds(start));
            }
            rounds.Add(latencies.Percentile(99));
        }
        return Stats.Median(rounds);
    }

    /// <summary>Misses: every Decide goes to the grains (warm activations, a fresh cache each round).</summary>
    public async Task<double> MissP99()
    {
        var rounds = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var gateway = NewGateway();
            var latencies = new Latencies(Calls);
            for (var i = 0; i < Calls; i++)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                await gateway.Decide($"bench-{i % 1000}", $"198.51.100.{i % 200}", null);
                latencies.Add(Latencies.Microseconds(start));
                await gateway.Cache.PolicyChanged(null!);
            }
            rounds.Add(latencies.Percentile(99));
        }
        return Stats.Median(rounds);
    }

    public async Task<double> CachedP99()
    {
        // Started, so that it watches entities: only watched decisions are cached.
        var gateway = NewGateway();
        await gateway.StartAsync(CancellationToken.None);
        for (var i = 0; i < 1000; i++) await gateway.Decide($"bench-{i}", $"198.51.100.{i % 200}", null);
        while (gateway.Cache.Count < 1000) await Task.Delay(10);
        var rounds = new List<double>();
        var calls = Calls * 10;
        for (var round = 0; round < Rounds; round++)
        {
            var latencies = new Latencies(calls);
            for (var i = 0; i < calls; i++)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                var pending = gateway.Decide($"bench-{i % 1000}", $"198.51.100.{i % 1000 % 200}", null);
                if (!pending.IsCompletedSuccessfully) await pending;
                latencies.Add(Latencies.Microseconds(start));
            }
            rounds.Add(latencies.Percentile(99));
        }
        await gateway.StopAsync(CancellationToken.None);
        return Stats.Median(rounds);
    }

    /// <summary>p99 through nginx with its auth step, minus p99 of the same static answer without it, at a fixed rate.</summary>
    public async Task<(double WithAuth, double Without)> NginxP99(int perSecond)
    {
        await using var nginx = await Risk.Tests.Shared.Nginx.Start($"{siloHttp.Host}:{siloHttp.Port}", authTimeout: "1s");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
        var seconds = quick ? 2 : 10;
        var withAuth = new List<double>();
        var without = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            withAuth.Add(await FixedRate(http, nginx.Address, perSecond, seconds, auth: true));
            without.Add(await FixedRate(http, nginx.App, perSecond, seconds, auth: false));
        }
        return (Stats.Median(withAuth), Stats.Median(without));
    }

    private static async Task<double> FixedRate(HttpClient http, Uri target, int perSecond, int seconds, bool auth)
    {
        var total = perSecond * seconds;
        var latencies = new Latencies(total);
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var begin = System.Diagnostics.Stopwatch.GetTimestamp();
        var inflight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            // Open loop: request i is sent at its scheduled time whatever earlier requests are doing.
            var due = begin + (long)(i * interval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            while (System.Diagnostics.Stopwatch.GetTimestamp() < due)
                if (due - System.Diagnostics.Stopwatch.GetTimestamp() > System.Diagnostics.Stopwatch.Frequency / 1000) await Task.Delay(1);
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, "/v1/messages"));
            if (auth) request.Headers.Add("X-Risk-Account", $"nginx-bench-{i % 500}");
            inflight.Add(Send(http, request, due, latencies));
        }
        await Task.WhenAll(inflight);
        return latencies.Percentile(99);
    }

    private static async Task Send(HttpClient http, HttpRequestMessage request, long due, Latencies latencies)
    {
        using var response = await http.SendAsync(request);
        var took = Latencies.Microseconds(due);
        lock (latencies) latencies.Add(took);
    }

    private RiskGateway NewGateway() => new(grains, Options.Create(new RiskGatewayOptions
    {
        DecisionTimeout = TimeSpan.FromSeconds(10),
        CacheTtl = TimeSpan.FromHours(1),
    }), NullLogger<RiskGateway>.Instance);
}
