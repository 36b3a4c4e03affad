using System.Diagnostics;

namespace Risk.Tests.Shared;

/// <summary>
/// A real nginx (Debian's package; .ci/run installs it) running deploy/nginx's config in a temporary prefix, in
/// front of a static stand-in app, asking the given Risk silo.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    private readonly string _prefix;
    private readonly string _config;

    private Nginx(string prefix, string config, int port)
    {
        _prefix = prefix;
        _config = config;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Address { get; }

    /// <summary>The stand-in app's own address: the same static answer without the auth step, for comparison.</summary>
    public Uri App { get; private init; } = null!;

    public static async Task<Nginx> Start(string riskSilo, string authTimeout = "2s", string gatewayKey = "")
    {
        var binary = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed: apt-get install nginx (.ci/run does)");
        var prefix = Directory.CreateTempSubdirectory("risk-nginx-").FullName;
        Directory.CreateDirectory(Path.Combine(prefix, "conf.d"));
        var port = Programs.FreePort();
        var values = new Dictionary<string, string>
        {
            ["RISK_PREFIX"] = prefix,
            ["RISK_LISTEN"] = $"127.0.0.1:{port}",
            ["RISK_SILO"] = riskSilo,
            ["RISK_APP"] = $"127.0.0.1:{Programs.FreePort()}",
            // The tests check what nginx does with each answer, not how fast Risk answers on a loaded CI machine;
            // the benchmark measures the latency.
            ["RISK_AUTH_TIMEOUT"] = authTimeout,
            ["RISK_GATEWAY_KEY"] = gatewayKey,
        };
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, Fill("nginx.conf.template", values));
        await File.WriteAllTextAsync(Path.Combine(prefix, "conf.d", "app.conf"), Fill("test-app.conf.template", values));
        var nginx = new Nginx(prefix, config, port) { App = new Uri("http://" + values["RISK_APP"]) };
        await nginx.Run(binary, "-p", prefix, "-c", config);
        return nginx;
    }

    public async ValueTask DisposeAsync()
    {
        var binary = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.First(File.Exists);
        await Run(binary, "-p", _prefix, "-c", _config, "-s", "stop");
        var pidFile = Path.Combine(_prefix, "nginx.pid");
        for (var i = 0; i < 50 && File.Exists(pidFile); i++) await Task.Delay(100);
        Directory.Delete(_prefix, recursive: true);
    }

    /// <summary>The shipped template with its ${…} variables filled, as envsubst would.</summary>
    private static string Fill(string template, Dictionary<string, string> values)
    {
        var text = File.ReadAllText(Path.Combine(Programs.Root, "deploy", "nginx", template));
        foreach (var (name, value) in values) text = text.Replace("${" + name + "}", value);
        return text;
    }

    private async Task Run(string binary, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(binary, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"nginx {string.Join(' ', args)}: {error}");
    }
}
