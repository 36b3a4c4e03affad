using System.Net;
using System.Text;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>What a new operator reads in the log of a silo that started, worked and stopped normally.</summary>
[Collection(AzuriteCollection.Name)]
public class QuietLogTests(Azurite azurite)
{
    [Fact]
    public async Task A_clean_start_some_traffic_and_a_SIGTERM_stop_log_no_warnings_or_stack_traces()
    {
        Assert.NotNull(azurite.Tables);
        var id = "quiet" + Guid.NewGuid().ToString("N")[..8];
        // Azure storage, so the stop flushes dirty state, as a production silo's does.
        var silo = new SiloProcess(["--storage", "azurite", "--Risk:AzureConnectionString", Azurite.ConnectionString, "--Risk:ClusterId", id, "--Risk:ServiceId", id, "--Risk:TableName", Azurite.NewTableName()]);
        await silo.InitializeAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = silo.Http };
            var events = string.Join('\n', Enumerable.Range(0, 200).Select(i =>
                $$"""{"ts":"2026-03-02T10:{{i / 60:00}}:{{i % 60:00}}Z","account":"quiet-{{i % 20}}","ip":"198.51.100.{{i % 7}}","prompt":"Think step by step about item {{i}}"}"""));
            var posted = await http.PostAsync("/v1/events", new StringContent(events, Encoding.UTF8, "application/x-ndjson"));
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/decision?account=quiet-1&ip=198.51.100.1")).StatusCode);

            Assert.Equal(0, await silo.Terminate(TimeSpan.FromSeconds(60)));

            var log = silo.Log;
            var noisy = log.Split('\n').Where(l => l.StartsWith("warn:") || l.StartsWith("fail:") || l.StartsWith("crit:")
                || l.Contains("Exception") || l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ToArray();
            Assert.True(noisy.Length == 0, "the log says:\n" + log);
            Assert.Contains("Application is shutting down", log);
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }
}
