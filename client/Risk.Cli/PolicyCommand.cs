using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Risk.Cli;

public static class PolicyCommand
{
    public static Command Create()
    {
        var show = new Command("show", "Print the policy in effect as JSON: version and every setting") { AdminTarget.Url, AdminTarget.Key };
        show.TreatUnmatchedTokensAsErrors = false;
        show.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
        {
            Console.WriteLine(JsonSerializer.Serialize(PolicyJson.Policy(await admin.GetPolicy()), Indented));
            return Verb.Ok;
        }));

        var key = new Argument<string>("KEY") { Description = "A setting named by `risk policy show`" };
        var value = new Argument<string>("VALUE") { Description = "Its new value (a number)" };
        var set = new Command("set", "Change one setting; it takes effect on every silo before this returns") { key, value, AdminTarget.Url, AdminTarget.Key };
        set.TreatUnmatchedTokensAsErrors = false;
        set.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
        {
            if (!double.TryParse(parse.GetValue(value), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw new ArgumentException($"'{parse.GetValue(value)}' is not a number");
            var version = await admin.SetPolicy(parse.GetValue(key)!, number);
            Console.WriteLine(JsonSerializer.Serialize(new { version, key = parse.GetValue(key), value = number }, Wire.Json));
            return Verb.Ok;
        }));

        var max = new Option<int>("--max") { Description = "How many of the latest changes", DefaultValueFactory = _ => 50 };
        var history = new Command("history", "Print the latest policy changes as JSON lines, oldest first") { max, AdminTarget.Url, AdminTarget.Key };
        history.TreatUnmatchedTokensAsErrors = false;
        history.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
        {
            foreach (var change in await admin.History(parse.GetValue(max)))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    version = change.Version, at = Wire.Time(change.At), what = change.What,
                    oldValue = change.OldValue, newValue = change.NewValue, actor = change.Actor, reason = change.Reason,
                }, Wire.Json));
            return Verb.Ok;
        }));

        var versions = new Command("versions", "Print the latest versions that changed settings, newest first, each with every setting it put in force")
        {
            max, AdminTarget.Url, AdminTarget.Key,
        };
        versions.TreatUnmatchedTokensAsErrors = false;
        versions.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
        {
            Console.WriteLine(JsonSerializer.Serialize(await admin.Versions(parse.GetValue(max)), Indented));
            return Verb.Ok;
        }));

        var from = new Argument<long>("FROM") { Description = "A version" };
        var to = new Argument<long>("TO") { Description = "Another version" };
        var diff = new Command("diff", "Print each setting that differs between two versions, with its value at each") { from, to, AdminTarget.Url, AdminTarget.Key };
        diff.TreatUnmatchedTokensAsErrors = false;
        diff.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
        {
            Console.WriteLine(JsonSerializer.Serialize(await admin.Diff(parse.GetValue(from), parse.GetValue(to)), Indented));
            return Verb.Ok;
        }));

        var version = new Argument<long>("VERSION") { Description = "The version whose settings to bring back" };
        var rollback = new Command("rollback", "Bring back a version's settings as a new version (overrides stay as they are)")
        {
            version, Reason, AdminTarget.Url, AdminTarget.Key,
        };
        rollback.TreatUnmatchedTokensAsErrors = false;
        rollback.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
        {
            var made = await admin.Rollback(parse.GetValue(version), parse.GetValue(Reason));
            Console.WriteLine(JsonSerializer.Serialize(new { version = made, rolledBackTo = parse.GetValue(version) }, Wire.Json));
            return Verb.Ok;
        }));

        return new Command("policy", "Show, change and audit the policy") { show, set, history, versions, diff, rollback, ShadowCommand.Create() };
    }

    public static readonly Option<string?> Reason = new("--reason") { Description = "Why, for the policy history" };

    private static readonly JsonSerializerOptions Indented = new(PolicyJson.Options) { WriteIndented = true };
}
