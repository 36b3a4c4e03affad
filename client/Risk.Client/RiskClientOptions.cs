namespace Risk.Client;

/// <summary>How a gateway reaches the Risk cluster (configuration section "Risk").</summary>
public sealed class RiskClientOptions
{
    public const string Section = "Risk";

    /// <summary>localhost (default) or azure: find gateways through the Azure Table membership.</summary>
    public string Clustering { get; set; } = "localhost";

    public string? AzureConnectionString { get; set; }
    public string ClusterId { get; set; } = "risk";
    public string ServiceId { get; set; } = "risk";
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How many times to try reaching a gateway before giving up (one second apart).</summary>
    public int ConnectAttempts { get; set; } = 5;

}
