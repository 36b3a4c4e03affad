using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Risk.Benchmarks;
using Risk.Client;
using Risk.Contracts;
using Risk.Tests.Shared;

// risk-bench [--quick] [--no-nginx]: measures Risk against a baseline taken in the same run, on this machine.
// The last line is one JSON object for scripts.
var quick = args.Contains("--quick");
var withNginx = !args.Contains("--no-nginx");
var gatewayPort = Programs.FreePort();
var siloPort = Programs.FreePort();
var httpPort = Programs.FreePort();
using var silo = Programs.Start(Programs.Silo,
[
    "--storage", "memory", "--Risk:SiloPort", $"{siloPort}", "--Risk:PrimarySiloPort", $"{siloPort}",
    "--Risk:GatewayPort", $"{gatewayPort}", "--urls", $"http://127.0.0.1:{httpPort}", "--Logging:LogLevel:Default", "Warning",
]);
try
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Logging.AddFilter("Orleans.Runtime.Messaging", LogLevel.Error); // refused connects while the silo starts
    builder.Configuration["Risk:GatewayPort"] = $"{gatewayPort}";
    builder.Configuration["Risk:ConnectAttempts"] = "60";
    builder.AddRiskClient();
    using var host = builder.Build();
    await host.StartAsync();
    var grains = host.Services.GetRequiredService<IGrainFactory>();
    await grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default).Get();

    Console.Error.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {(quick ? "quick" : "full")} run");
    for (var i = 0; i < 1000; i++) await grains.GetGrain<IPingGrain>(i).Ping();
    var bench = new GatewayBenchmark(grains, new Uri($"http://127.0.0.1:{httpPort}"), quick);
    var (ping, miss) = await bench.PingAndMissP99();
    var cached = await bench.CachedP99();
    Console.Error.WriteLine($"ping p99 {ping:F0} µs; decide miss p99 {miss:F0} µs ({miss / ping:F2}× ping); cached decide p99 {cached:F2} µs");
    (double WithAuth, double Without, double Authz)? nginx = null;
    if (withNginx)
    {
        nginx = await bench.NginxP99(perSecond: 1000);
        Console.Error.WriteLine($"at 1000 req/s, p99: through nginx {nginx.Value.WithAuth / 1000:F2} ms with the auth step, {nginx.Value.Without / 1000:F2} ms without; /v1/authz asked directly {nginx.Value.Authz / 1000:F2} ms");
    }
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        ping_p99_us = Math.Round(ping, 1),
        decide_miss_p99_us = Math.Round(miss, 1),
        miss_vs_ping_p99 = Math.Round(miss / ping, 2),
        cached_decide_p99_us = Math.Round(cached, 2),
        nginx_auth_p99_ms = nginx is { } n ? Math.Round(n.WithAuth / 1000, 2) : (double?)null,
        nginx_direct_p99_ms = nginx is { } d ? Math.Round(d.Without / 1000, 2) : (double?)null,
        nginx_added_p99_ms = nginx is { } a ? Math.Round((a.WithAuth - a.Without) / 1000, 2) : (double?)null,
        authz_direct_p99_ms = nginx is { } z ? Math.Round(z.Authz / 1000, 2) : (double?)null,
    }));
    await host.StopAsync();
}
finally
{
    silo.Kill(entireProcessTree: true);
    await silo.WaitForExitAsync();
}
