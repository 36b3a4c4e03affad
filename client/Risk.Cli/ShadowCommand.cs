using System.CommandLine;
using System.Text.Json;

namespace Risk.Cli;

/// <summary>`risk policy shadow set|clear|report`: a candidate policy every decision is also made under, never enforced.</summary>
public static class ShadowCommand
{
    public static Command Create()
    {
        // An option, not arguments: arguments would also take the configuration tokens (--Risk:GatewayPort N) that follow.
        var settings = new Option<string[]>("--set") { Description = "A setting of the candidate, KEY=VALUE, over the live policy; repeat for more" };
        var file = new Option<FileInfo?>("--policy") { Description = "The candidate as a file: the body of POST /v1/policy" };
        var set = new Command("set", "Put a candidate in shadow: decisions are also made under it and compared, and only the live policy is enforced")
        {
            settings, file, PolicyCommand.Reason, AdminTarget.Url, AdminTarget.Key,
        };
        set.TreatUnmatchedTokensAsErrors = false;
        set.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
        {
            var candidate = parse.GetValue(file) is { } path ? PolicyFile.Read(path.FullName) : null;
            var values = new Dictionary<string, double>(candidate?.Settings ?? new Dictionary<string, double>());
            foreach (var (key, value) in PolicyFile.Parse(parse.GetValue(settings) ?? [])) values[key] = value;
            if (values.Count == 0) throw new ArgumentException("give the candidate's settings as --set KEY=VALUE, or --policy FILE");
            Print(await admin.SetShadow(values, parse.GetValue(PolicyCommand.Reason) ?? candidate?.Reason));
            return Verb.Ok;
        }));

        var clear = new Command("clear", "End the shadow; its report stays readable until the next one") { PolicyCommand.Reason, AdminTarget.Url, AdminTarget.Key };
        clear.TreatUnmatchedTokensAsErrors = false;
        clear.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
            await admin.ClearShadow(parse.GetValue(PolicyCommand.Reason)) is { } ended ? Print(ended) : Absent("no shadow policy is in force")));

        var report = new Command("report", "Print what the shadow would have changed: decisions compared, and counts per pair of actions with example accounts")
        {
            AdminTarget.Url, AdminTarget.Key,
        };
        report.TreatUnmatchedTokensAsErrors = false;
        report.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
            await admin.ShadowReport() is { } shown ? Print(shown) : Absent("no shadow policy was ever set")));

        return new Command("shadow", "Try a candidate policy on live decisions without enforcing it") { set, clear, report };
    }

    private static int Print(JsonElement json)
    {
        Console.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions(PolicyJson.Options) { WriteIndented = true }));
        return Verb.Ok;
    }

    private static int Absent(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return Verb.Failed;
    }
}
