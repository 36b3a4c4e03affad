using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Risk.Client.Gateway;
using Risk.Contracts;

namespace Risk.Benchmarks;

/// <summary>
/// The gateway path: a cached Decide; a cache miss against the raw Orleans ping of the same run; and the
/// latency nginx's auth step adds at a fixed request rate. Each figure is the median over several rounds.
/// </summary>
public sealed class GatewayBenchmark(IGrainFactory grains, Uri siloHttp, Scale scale)
{
    private int Rounds => scale.Rounds;
    private int Calls => scale.Calls;

    /// <summary>
    /// p99 of a raw Orleans ping and of a cache miss, in alternating rounds so both meet the same machine; the
    /// first pair warms activations and code and is not counted. Returns the medians over the rounds.
    /// </summary>
    public async Task<(double Ping, double Miss)> PingAndMissP99()
    {
        var pings = new List<double>();
        var misses = new List<double>();
        for (var round = 0; round <= Rounds; round++)
        {
            var ping = (await EngineBenchmark.SequentialPings(grains, Calls, EngineBenchmark.ReadSidePings)).Percentile(99);
            var miss = await MissRound();
            if (round == 0) continue;
            pings.Add(ping);
            misses.Add(miss);
        }
        return (Stats.Median(pings), Stats.Median(misses));
    }

    /// <summary>
    /// Misses that call the grains: the gateway's decisions and held risks dropped before each call, so every
    /// Decide asks the replicas (warm activations).
    /// </summary>
    private async Task<double> MissRound()
    {
        using var gateway = await StartGateway(grains);
        var latencies = new Latencies(Calls);
        for (var i = 0; i < Calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await gateway.Decide($"bench-{i % 1000}", $"198.51.100.{i % 200}", null);
            latencies.Add(Latencies.Microseconds(start));
            gateway.Cache.Forget();
        }
        await gateway.StopAsync(CancellationToken.None);
        return latencies.Percentile(99);
    }

    /// <summary>
    /// At a fixed rate: p99 through nginx with its auth step; of the same static answer without it; and of the
    /// silo's /v1/authz asked directly.
    /// </summary>
    public async Task<(double WithAuth, double Without, double Authz)> NginxP99(int perSecond)
    {
        await using var nginx = await Risk.Tests.Shared.Nginx.Start($"{siloHttp.Host}:{siloHttp.Port}", authTimeout: "1s");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
        var seconds = scale.Seconds * 2;
        var withAuth = new List<double>();
        var without = new List<double>();
        var direct = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            withAuth.Add(await FixedRate(http, new Uri(nginx.Address, "/v1/messages"), perSecond, seconds, auth: true));
            without.Add(await FixedRate(http, new Uri(nginx.App, "/v1/messages"), perSecond, seconds, auth: false));
            direct.Add(await FixedRate(http, new Uri(siloHttp, "/v1/authz"), perSecond, seconds, auth: true));
        }
        return (Stats.Median(withAuth), Stats.Median(without), Stats.Median(direct));
    }

    /// <summary>
    /// Open loop at a fixed rate: each wake-up sends every request that is due, whatever earlier ones are doing.
    /// The generator sleeps between wake-ups rather than spinning, so it leaves the cores to nginx and the silo.
    /// Latency runs from the moment a request is sent.
    /// </summary>
    private static async Task<double> FixedRate(HttpClient http, Uri target, int perSecond, double seconds, bool auth)
    {
        var total = (int)(perSecond * seconds);
        var latencies = new Latencies(total);
        var begin = Stopwatch.GetTimestamp();
        var inflight = new List<Task>(total);
        for (var sent = 0; sent < total; await Task.Delay(1))
        {
            var due = (int)Math.Min(total, (Stopwatch.GetTimestamp() - begin) * perSecond / Stopwatch.Frequency + 1);
            for (; sent < due; sent++)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, target);
                if (auth) request.Headers.Add("X-Risk-Account", $"nginx-bench-{sent % 500}");
                inflight.Add(Send(http, request, latencies));
            }
        }
        await Task.WhenAll(inflight);
        return latencies.Percentile(99);
    }

    private static async Task Send(HttpClient http, HttpRequestMessage request, Latencies latencies)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        var took = Latencies.Microseconds(start);
        lock (latencies) latencies.Add(took);
    }

    /// <summary>A started gateway (only a started one watches entities and caches) that waits for every miss.</summary>
    public static async Task<RiskGateway> StartGateway(IGrainFactory grains)
    {
        var gateway = new RiskGateway(grains, Options.Create(new RiskGatewayOptions { DecisionTimeout = TimeSpan.FromSeconds(10) }),
            NullLogger<RiskGateway>.Instance);
        await gateway.StartAsync(CancellationToken.None);
        return gateway;
    }
}
