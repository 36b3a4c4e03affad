using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Risk.Client.Gateway;

namespace Risk.Client;

public static class RiskClientExtensions
{
    /// <summary>Connects to the cluster described by the "Risk" configuration section and registers <see cref="RiskClient"/>.</summary>
    public static IHostApplicationBuilder AddRiskClient(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RiskClientOptions.Section).Get<RiskClientOptions>() ?? new();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = options.ClusterId; o.ServiceId = options.ServiceId; });
            // A client learns the cluster's grain types from its gateway silo, and asks again only this often (Orleans'
            // default is a minute). A decisions silo that has just joined does not yet know the entities silos' types,
            // so a client that reached it first could not resolve the policy grain for that long.
            client.Configure<TypeManagementOptions>(o => o.TypeMapRefreshInterval = TimeSpan.FromSeconds(5));
            if (options.Clustering.Equals("azure", StringComparison.OrdinalIgnoreCase))
                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(
                    options.AzureConnectionString ?? "UseDevelopmentStorage=true"));
            else
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
            client.UseRiskTls(builder.Configuration);
            // Give up after a few attempts so that a tool without a cluster says so instead of waiting forever.
            var attempts = 0;
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                if (++attempts >= options.ConnectAttempts) return false;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return true;
            });
        });
        builder.Services.AddRiskClientServices(builder.Configuration);
        return builder;
    }

    /// <summary>The client's services over whatever IGrainFactory the host has (an external client or a co-hosted silo).</summary>
    public static IServiceCollection AddRiskClientServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RiskClientOptions>(configuration.GetSection(RiskClientOptions.Section));
        services.AddSingleton(sp => new RiskClient(sp.GetRequiredService<IGrainFactory>()));
        return services;
    }

    /// <summary>The gateway side: background reporting and the pushed decision cache (section "Risk:Gateway").</summary>
    public static IServiceCollection AddRiskGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RiskGatewayOptions>(configuration.GetSection(RiskGatewayOptions.Section));
        services.AddSingleton<RiskGateway>();
        services.AddHostedService(sp => sp.GetRequiredService<RiskGateway>());
        return services;
    }
}
