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
            var policy = await admin.GetPolicy();
            var view = new PolicyView(policy);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                version = policy.Version,
                updatedAt = Wire.Time(policy.UpdatedAt),
                settings = Knobs.All.ToDictionary(k => k.Key, k => view[k]),
            }, new JsonSerializerOptions(Wire.Json) { WriteIndented = true }));
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

        return new Command("policy", "Show, change and audit the policy") { show, set, history };
    }
}
