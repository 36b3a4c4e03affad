using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Risk.Silo;

namespace Risk.Cli;

/// <summary>
/// Starts what a verb needs: a client connected to the configured cluster, or with <c>--embedded</c> a one-silo
/// cluster in this process on memory storage (no Azurite needed). Configuration comes from appsettings.json,
/// the environment (Risk__GatewayPort=…) and the command line (--Risk:GatewayPort …).
/// </summary>
public static class CliHost
{
    public static async Task<IHost> Start(bool embedded, string[] configArgs, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = configArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Logs go to stderr so that stdout stays clean for JSON.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The embedded silo's start-up notes (GC mode, watchdog) are not the user's business.
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        if (embedded)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Risk:Storage"] = "memory",
                ["Risk:Clustering"] = "localhost",
                // Ports and a cluster id of its own: two embedded runs, or one beside a silo on the defaults, never meet.
                ["Risk:SiloPort"] = FreePort().ToString(),
                ["Risk:GatewayPort"] = FreePort().ToString(),
                ["Risk:ClusterId"] = "embedded-" + Guid.NewGuid().ToString("N"),
                // The embedded silo has no remote peers; a certificate meant for reaching a cluster is not its own.
                ["Risk:Tls:CertificateFile"] = "",
            });
            builder.Configuration["Risk:PrimarySiloPort"] = builder.Configuration["Risk:SiloPort"];
            builder.AddRiskSilo();
            builder.Services.AddRiskClientServices(builder.Configuration);
        }
        else
        {
            builder.AddRiskClient();
        }
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
