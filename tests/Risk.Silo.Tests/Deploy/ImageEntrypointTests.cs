using System.Net;
using Risk.Silo.Auth;
using Risk.Tests.Shared;

namespace Risk.Silo.Tests.Deploy;

/// <summary>
/// The command deploy/Dockerfile runs, with the image's environment, run here as a process from the build output: the
/// image's WORKDIR is where Risk.Silo.dll sits, so is the working directory here. Only what cannot work on this machine
/// is changed: memory storage and localhost clustering (no storage account), free ports and a cluster of its own, and a keys file of the test's
/// own at the place the image reads one.
/// </summary>
public class ImageEntrypointTests
{
    [Fact]
    public async Task The_image_command_becomes_ready_answers_health_and_stops_cleanly_on_SIGTERM()
    {
        var dockerfile = Dockerfile.Load();
        var command = dockerfile.Command.ToList();
        var keysDir = Directory.CreateTempSubdirectory("risk-keys-").FullName;
        try
        {
            var keysFile = Path.Combine(keysDir, Path.GetFileName(dockerfile.Environment["Risk__Auth__KeysFile"]));
            await File.WriteAllTextAsync(keysFile, System.Text.Json.JsonSerializer.Serialize(KeyLine.For("ops", ApiRole.Admin, "test-admin-key")) + "\n");
            var environment = new Dictionary<string, string>(dockerfile.Environment)
            {
                ["Risk__Storage"] = "memory",
                ["Risk__Clustering"] = "localhost",
                ["Risk__Auth__KeysFile"] = keysFile,
            };

            // The image's own --urls, on a free port instead of 8080, which another process here may hold.
            var urls = command.IndexOf("--urls") + 1;
            Assert.True(urls > 0, "the image's command has no --urls");
            var port = Programs.FreePort();
            var listen = new UriBuilder(command[urls]) { Port = port }.Uri.ToString().TrimEnd('/');
            command[urls] = listen;
            var siloPort = Programs.FreePort().ToString();
            var clusterId = "entrypoint-" + Guid.NewGuid().ToString("N")[..8];
            command.AddRange(["--Risk:SiloPort", siloPort, "--Risk:PrimarySiloPort", siloPort, "--Risk:GatewayPort", Programs.FreePort().ToString(),
                "--Risk:ClusterId", clusterId, "--Risk:ServiceId", clusterId]);

            var started = DateTime.UtcNow;
            await using var silo = new SiloCommand(command, environment, Path.GetDirectoryName(Programs.Silo)!);
            var http = new Uri($"http://127.0.0.1:{port}");
            await silo.WaitUntilReady(http, TimeSpan.FromSeconds(90));
            using var client = new HttpClient { BaseAddress = http };
            var health = await client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("ok", await health.Content.ReadAsStringAsync());
            // With the keys file the API kept the image's address (every interface) and asks for a key.
            Assert.Contains($"Now listening on: {listen}", silo.Log);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/decision?account=entrypoint")).StatusCode);

            // Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds; memory storage has nothing to flush, so a
            // clean stop here is quick.
            var exit = await silo.Terminate(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"exit code {exit?.ToString() ?? "none: still running after SIGTERM"}:\n{silo.Log}");
            Assert.Contains("Application is shutting down", silo.Log);
        }
        finally
        {
            Directory.Delete(keysDir, recursive: true);
        }
    }
}
