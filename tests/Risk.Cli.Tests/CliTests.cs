using System.Text.Json;
using Risk.Tests.Shared;

namespace Risk.Cli.Tests;

public class CliTests(SiloProcess silo) : IClassFixture<SiloProcess>
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public async Task Override_blocks_an_account_as_decide_shows()
    {
        string[] decide = ["decide", "--account", "cli/mallory", "--ip", "198.51.100.7", .. silo.Target];
        var before = await Programs.Cli(decide);
        Assert.True(before.ExitCode == 0, before.Stderr);
        Assert.Equal("allow", Json(before.Stdout).GetProperty("action").GetString());

        var set = await Programs.Cli(["override", "cli/mallory", "block", .. silo.Target]);
        Assert.True(set.ExitCode == 0, set.Stderr);

        var after = Json((await Programs.Cli(decide)).Stdout);
        Assert.Equal("block", after.GetProperty("action").GetString());
        Assert.Equal(100, after.GetProperty("score").GetInt32());
        Assert.Equal(["override_block"], after.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(Json(set.Stdout).GetProperty("policyVersion").GetInt64(), after.GetProperty("policyVersion").GetInt64());

        await Programs.Cli(["override", "cli/mallory", "clear", .. silo.Target]);
        Assert.Equal("allow", Json((await Programs.Cli(decide)).Stdout).GetProperty("action").GetString());
    }

    [Fact]
    public async Task Policy_set_shows_in_policy_show_and_in_the_history()
    {
        var set = await Programs.Cli(["policy", "set", "threshold.block", "90", .. silo.Target]);
        Assert.True(set.ExitCode == 0, set.Stderr);
        var show = Json((await Programs.Cli(["policy", "show", .. silo.Target])).Stdout);
        Assert.Equal(90, show.GetProperty("settings").GetProperty("threshold.block").GetDouble());
        var history = (await Programs.Cli(["policy", "history", .. silo.Target])).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Json).ToArray();
        Assert.Contains(history, h => h.GetProperty("what").GetString() == "threshold.block" && h.GetProperty("newValue").GetString() == "90");
    }

    [Fact]
    public async Task Bad_policy_values_and_unknown_keys_are_refused_with_exit_code_2()
    {
        var unknown = await Programs.Cli(["policy", "set", "threshold.nope", "1", .. silo.Target]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("error: unknown policy key 'threshold.nope'; see `risk policy show`", unknown.Stderr.Trim());
        var outOfRange = await Programs.Cli(["policy", "set", "threshold.block", "500", .. silo.Target]);
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Equal("error: threshold.block must be between 0 and 100", outOfRange.Stderr.Trim());
        var badIp = await Programs.Cli(["decide", "--account", "a", "--ip", "10.0.0", .. silo.Target]);
        Assert.Equal(2, badIp.ExitCode);
        Assert.Equal("error: ip: '10.0.0' is not an IPv4 or IPv6 address", badIp.Stderr.Trim());
    }

    [Fact]
    public async Task A_command_line_that_does_not_parse_exits_2_and_says_what_is_missing()
    {
        // No cluster is needed to refuse a command line: nothing is started.
        var noAccount = await Programs.Cli(["decide"]);
        Assert.Equal(2, noAccount.ExitCode);
        Assert.Contains("--account", noAccount.Stderr);
        Assert.StartsWith("error: ", noAccount.Stderr);
        Assert.Equal("", noAccount.Stdout);
        var unknownVerb = await Programs.Cli(["decied", "--account", "a"]);
        Assert.Equal(2, unknownVerb.ExitCode);
        var help = await Programs.Cli(["decide", "--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--account", help.Stdout);
    }
}
