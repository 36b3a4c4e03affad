using System.Net.Http.Headers;
using System.Text;

namespace Risk.Cli.Tests;

/// <summary>A keyed silo with what an operator watches switched on: the dashboard.</summary>
public sealed class OperatorKeyedSilo() : KeyedSilo(["--Risk:Dashboard", "true"]);

/// <summary>One keyed silo shared by the tests of what an operator watches: its metrics and its dashboard.</summary>
[CollectionDefinition(Name)]
public sealed class OperatorSilo : ICollectionFixture<OperatorKeyedSilo>
{
    public const string Name = "operator silo";

    /// <param name="keyName">The name of one of the fixture's keys, or a key as it is; null for none.</param>
    public static HttpClient Client(KeyedSilo fixture, string? keyName, bool followRedirects = true)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects }) { BaseAddress = fixture.Silo.Http };
        if (keyName is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Keys.GetValueOrDefault(keyName, keyName));
        return http;
    }

    public static StringContent Events(params string[] lines) => new(string.Join('\n', lines), Encoding.UTF8, "application/x-ndjson");
}
