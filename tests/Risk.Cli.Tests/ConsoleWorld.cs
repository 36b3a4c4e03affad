using Risk.Tests.Shared;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Risk.Cli.Tests;

/// <summary>
/// A keyed silo process that has seen the demo world, with blocking kept for a score of 100 so that most flagged
/// accounts wait in the review queue as challenged, and gateway decisions made for every account so that the home
/// page's chart has something to draw.
/// </summary>
public sealed partial class ConsoleWorld : IAsyncLifetime
{
    public KeyedSilo Keyed { get; } = new();
    public SiloProcess Silo => Keyed.Silo;
    public IReadOnlyList<string> Accounts { get; private set; } = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("risk-console-").FullName;

    public string Key(string name) => Keyed.Keys[name];

    public async Task InitializeAsync()
    {
        await Keyed.InitializeAsync();
        using var admin = OperatorSilo.Client(Keyed, "test-admin");
        (await admin.PostAsJsonAsync("/v1/policy", new { set = new Dictionary<string, double> { ["threshold.block"] = 100 }, reason = "keep flagged accounts for review" }))
            .EnsureSuccessStatusCode();

        var simulate = await Programs.Cli("simulate", "--scenario", "demo", "--out", _dir);
        if (simulate.ExitCode != 0) throw new InvalidOperationException(simulate.Stderr);
        var events = Path.Combine(_dir, "events.jsonl");
        var replay = await Programs.Cli(TimeSpan.FromMinutes(3), ["replay", "--events", events, .. Silo.Target]);
        if (replay.ExitCode != 0) throw new InvalidOperationException(replay.Stderr);
        Accounts = File.ReadLines(events).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("account").GetString()!).Distinct().ToList();
        await DecideAll();
    }

    /// <summary>One gateway decision per account, as requests would ask for them.</summary>
    public async Task DecideAll()
    {
        using var gateway = OperatorSilo.Client(Keyed, "test-gateway");
        await Parallel.ForEachAsync(Accounts, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (account, ct) => (await gateway.GetAsync($"/v1/decision?account={Uri.EscapeDataString(account)}", ct)).EnsureSuccessStatusCode());
    }

    /// <summary>The API's decision for a request of an account (from an IP and proxy, if given), read with an analyst key.</summary>
    public async Task<JsonElement> Decision(string account, string? ip = null, string? proxy = null)
    {
        using var analyst = OperatorSilo.Client(Keyed, "test-analyst");
        var query = $"account={Uri.EscapeDataString(account)}"
            + (ip is { Length: > 1 } ? $"&ip={Uri.EscapeDataString(ip)}" : "") + (proxy is { Length: > 1 } ? $"&proxy={Uri.EscapeDataString(proxy)}" : "");
        return JsonDocument.Parse(await analyst.GetStringAsync($"/v1/decision?{query}")).RootElement;
    }

    public async Task<JsonElement> Policy()
    {
        using var analyst = OperatorSilo.Client(Keyed, "test-analyst");
        return JsonDocument.Parse(await analyst.GetStringAsync("/v1/policy")).RootElement;
    }

    /// <summary>A browser-less session: the sign-in form's token and cookies, then the key posted as the form does.</summary>
    public Task<(HttpClient Http, HttpResponseMessage SignedIn)> Session(string? key) => new Sessions(Silo).SignIn(key);

    public sealed class Sessions(SiloProcess silo)
    {
        public async Task<(HttpClient Http, HttpResponseMessage SignedIn)> SignIn(string? key)
        {
            var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = silo.Http };
            var token = FormToken(await http.GetStringAsync("/console/signin"));
            var signedIn = await http.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["key"] = key ?? "", ["__RequestVerificationToken"] = token,
            }));
            return (http, signedIn);
        }
    }

    public static string FormToken(string html) => TokenInput().Match(html) is { Success: true } m ? m.Groups[1].Value
        : throw new InvalidOperationException("the page has no antiforgery token");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    public async Task DisposeAsync()
    {
        await Keyed.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
