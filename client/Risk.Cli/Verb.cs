using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Risk.Contracts;

namespace Risk.Cli;

/// <summary>Shared plumbing of the verbs: host start-up around an action, and exit codes.</summary>
public static class Verb
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    public static readonly Option<bool> Embedded = new("--embedded")
    {
        Description = "Host a one-silo cluster in this process on memory storage instead of connecting to one",
    };

    /// <summary>Runs <paramref name="action"/> with a <see cref="RiskClient"/>; the host lives as long as the action.</summary>
    public static Task<int> WithClient(ParseResult parse, CancellationToken ct, Func<RiskClient, Task<int>> action) =>
        WithServices(parse, ct, services => action(services.GetRequiredService<RiskClient>()));

    /// <summary>Runs <paramref name="action"/> with the started host's services (the client, its configuration).</summary>
    public static async Task<int> WithServices(ParseResult parse, CancellationToken ct, Func<IServiceProvider, Task<int>> action)
    {
        var embedded = parse.GetValue(Embedded);
        IHost host;
        try
        {
            host = await CliHost.Start(embedded, parse.UnmatchedTokens.ToArray(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"error: cannot reach the Risk cluster ({e.GetBaseException().Message}). " +
                "Is a silo running? Point at one with --Risk:GatewayPort N and its --Risk:ClusterId, or --Risk:Clustering azure, or use --embedded where offered.");
            return Failed;
        }
        using var _ = host;
        try
        {
            // Where silos require it, policy and override changes carry the admin secret; nothing else needs it.
            var secret = host.Services.GetRequiredService<IConfiguration>()["Risk:Auth:AdminSecret"];
            return await AdminCall.With(string.IsNullOrEmpty(secret) ? null : secret,
                () => action(host.Services));
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {Message(e)}");
            return BadInput;
        }
        catch (UnauthorizedAccessException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return Failed;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The message alone: .NET appends " (Parameter 'name')" to an argument error's, which is not the user's business.</summary>
    public static string Message(ArgumentException e) =>
        e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;

    public static string Actor => Environment.UserName is { Length: > 0 } user ? $"cli:{user}" : "cli";
}
