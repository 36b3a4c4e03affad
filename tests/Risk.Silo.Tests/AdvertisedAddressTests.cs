using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Risk.Silo.Tests.Deploy;
using Risk.Tests.Shared;

namespace Risk.Silo.Tests;

/// <summary>
/// A silo process with Azure Table clustering on Azurite writes the address it was told to advertise into the membership
/// table, where other silos and clients look it up, and listens where it was told. Linux routes all of 127.0.0.0/8 to
/// the loopback interface, so 127.0.0.2 and 127.0.0.3 stand in for the addresses of other hosts.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class AdvertisedAddressTests(Azurite azurite)
{
    [Fact]
    public async Task The_membership_table_records_the_advertised_address_and_the_silo_listens_on_it()
    {
        await using var silo = await Start(["--advertise", "127.0.0.2"]);
        Assert.Equal(("127.0.0.2", "Active"), await Row(silo));
        Assert.True(await Accepts(IPAddress.Parse("127.0.0.2"), silo.SiloPort), "nothing listens on the advertised address");
        // Not on every address: only the one it advertises.
        Assert.False(await Accepts(IPAddress.Loopback, silo.SiloPort), "the silo port is open on 127.0.0.1 too");
    }

    [Fact]
    public async Task A_listen_address_apart_from_the_advertised_one_is_where_the_ports_open()
    {
        // As behind NAT: other hosts are told one address, the process binds another.
        await using var silo = await Start(["--advertise", "127.0.0.3", "--listen", "127.0.0.1"]);
        Assert.Equal(("127.0.0.3", "Active"), await Row(silo));
        Assert.True(await Accepts(IPAddress.Loopback, silo.SiloPort));
        Assert.True(await Accepts(IPAddress.Loopback, silo.GatewayPort));
        Assert.False(await Accepts(IPAddress.Parse("127.0.0.3"), silo.SiloPort));
    }

    private sealed class Silo(SiloCommand command, string clusterId, int siloPort, int gatewayPort) : IAsyncDisposable
    {
        public SiloCommand Command => command;
        public string ClusterId => clusterId;
        public int SiloPort => siloPort;
        public int GatewayPort => gatewayPort;
        public ValueTask DisposeAsync() => command.DisposeAsync();
    }

    /// <summary>A silo of a cluster of its own (memory storage: only membership is in Azurite), ready on /readyz.</summary>
    private async Task<Silo> Start(string[] addresses)
    {
        Assert.NotNull(azurite.Tables);
        var id = "advertise-" + Guid.NewGuid().ToString("N")[..8];
        var (siloPort, gatewayPort, httpPort) = (Programs.FreePort(), Programs.FreePort(), Programs.FreePort());
        var command = new SiloCommand(
        [
            "dotnet", Programs.Silo, "--storage", "memory", "--clustering", "azure", "--Risk:AzureConnectionString", Azurite.ConnectionString, "--Risk:ClusterId", id, "--Risk:ServiceId", id,
            "--Risk:SiloPort", siloPort.ToString(), "--Risk:GatewayPort", gatewayPort.ToString(), "--urls", $"http://127.0.0.1:{httpPort}",
            .. addresses,
        ], new Dictionary<string, string>(), Programs.Root);
        try
        {
            await command.WaitUntilReady(new Uri($"http://127.0.0.1:{httpPort}"), TimeSpan.FromSeconds(90));
        }
        catch
        {
            await command.DisposeAsync();
            throw;
        }
        return new Silo(command, id, siloPort, gatewayPort);
    }

    /// <summary>The silo's row in Orleans' membership table: its address and status.</summary>
    private async Task<(string Address, string Status)> Row(Silo silo)
    {
        var table = azurite.Tables.GetTableClient("OrleansSiloInstances");
        var rows = new List<TableEntity>();
        // The partition is the cluster; its version row has no address.
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == silo.ClusterId))
            if (row.GetString("Address") is not null) rows.Add(row);
        var only = Assert.Single(rows);
        Assert.Equal(silo.SiloPort.ToString(), only.GetString("Port"));
        return (only.GetString("Address"), only.GetString("Status"));
    }

    private static async Task<bool> Accepts(IPAddress address, int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
