using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>
/// Silos with an admin secret: a client of the Orleans gateway port without it (what a gateway embedding Risk.Client
/// is) can decide but not steer; `risk` with the secret and the HTTP admin endpoint with an admin key can.
/// </summary>
public class AdminSecretTests
{
    [Fact]
    public async Task Only_callers_with_the_admin_secret_change_policy_and_overrides_over_the_orleans_port()
    {
        const string secret = "admin-secret-for-this-test";
        var keys = Path.Combine(Path.GetTempPath(), $"risk-keys-{Guid.NewGuid():N}.jsonl");
        var made = JsonDocument.Parse((await Programs.Cli("keys", "new", "--name", "ops", "--role", "admin")).Stdout).RootElement;
        await File.WriteAllTextAsync(keys, made.GetProperty("line").GetRawText() + "\n");
        var silo = new SiloProcess(["--storage", "memory", "--api-keys", keys, "--Risk:Auth:AdminSecret", secret]);
        await silo.InitializeAsync();
        try
        {
            var set = await Programs.Cli(["policy", "set", "throttle.retry_after_s", "33", .. silo.Target]);
            Assert.Equal(1, set.ExitCode);
            Assert.Contains("needs the admin secret", set.Stderr);
            var blocked = await Programs.Cli(["override", "secret-acct", "block", .. silo.Target]);
            Assert.Equal(1, blocked.ExitCode);
            // Reads and decisions need no secret: that is all a gateway does.
            Assert.Equal(0, (await Programs.Cli(["decide", "--account", "secret-acct", .. silo.Target])).ExitCode);
            Assert.Equal(0, (await Programs.Cli(["policy", "show", .. silo.Target])).ExitCode);

            Assert.Equal(0, (await Programs.Cli(["policy", "set", "throttle.retry_after_s", "33", .. silo.Target, "--Risk:Auth:AdminSecret", secret])).ExitCode);
            using var http = new HttpClient { BaseAddress = silo.Http };
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/overrides")
            {
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", made.GetProperty("key").GetString()) },
                Content = new StringContent("""{"kind": "account", "id": "secret-acct", "action": "block"}""", Encoding.UTF8, "application/json"),
            };
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
            var decision = JsonDocument.Parse((await Programs.Cli(["decide", "--account", "secret-acct", .. silo.Target])).Stdout).RootElement;
            Assert.Equal("block", decision.GetProperty("action").GetString());
        }
        finally
        {
            await silo.DisposeAsync();
            File.Delete(keys);
        }
    }
}
