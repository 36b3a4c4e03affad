namespace Risk.Cli.Tests;

/// <summary>deploy/prometheus/alerts.yml as Prometheus loads it, and its unit tests (alerts.test.yml) as promtool runs them.</summary>
public class AlertRulesTests
{
    [Fact]
    public async Task The_alert_rules_load_and_each_fires_on_its_trouble_and_not_on_a_healthy_cluster()
    {
        var check = await Promtool.Run(null, "check", "rules", "deploy/prometheus/alerts.yml");
        Assert.True(check.ExitCode == 0, $"promtool check rules: exit {check.ExitCode}\n{check.Stdout}{check.Stderr}");
        Assert.Contains("SUCCESS: 6 rules found", check.Stdout);

        var test = await Promtool.Run(null, "test", "rules", "deploy/prometheus/alerts.test.yml");
        Assert.True(test.ExitCode == 0, $"promtool test rules: exit {test.ExitCode}\n{test.Stdout}{test.Stderr}");
        Assert.Contains("SUCCESS", test.Stdout);
    }
}
