using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

/// <summary>`risk` as a user installs it: packed from the repo as a .NET tool, and run by its name.</summary>
[Collection(Alone.Name)]
public class ToolTests
{
    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_risk_tool_packs_from_the_repo_installs_and_runs_by_its_name()
    {
        var dir = Directory.CreateTempSubdirectory("risk-tool-").FullName;
        try
        {
            var feed = Path.Combine(dir, "feed");
            var tools = Path.Combine(dir, "tools");
            var pack = await Programs.Exec("dotnet", ["pack", "client/Risk.Cli", "-c", Programs.Configuration, "--no-build", "-o", feed], Minutes);
            Assert.True(pack.ExitCode == 0, pack.Stdout + pack.Stderr);
            // --tool-path installs as --global does, into a folder of the test's own instead of ~/.dotnet/tools.
            var install = await Programs.Exec("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", feed, "Risk.Cli"], Minutes);
            Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

            var risk = Path.Combine(tools, "risk");
            var help = await Programs.Exec(risk, ["--help"], Minutes);
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("replay", help.Stdout);
            // The installed tool finds its own appsettings and runs a verb: simulate needs no cluster.
            var simulate = await Programs.Exec(risk, ["simulate", "--scenario", "relay", "--scale", "0.05", "--out", Path.Combine(dir, "sim")], Minutes);
            Assert.True(simulate.ExitCode == 0, simulate.Stderr);
            Assert.True(File.Exists(Path.Combine(dir, "sim", "events.jsonl")));
            var bad = await Programs.Exec(risk, ["decide"], Minutes);
            Assert.Equal(2, bad.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
