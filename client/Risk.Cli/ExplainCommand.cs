using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Risk.Cli;

public static class ExplainCommand
{
    public static Command Create()
    {
        var account = new Argument<string>("ACCOUNT") { Description = "The account id" };
        var events = new Option<FileInfo?>("--events") { Description = "With --embedded: replay this file first, then explain" };
        var json = new Option<bool>("--json") { Description = "Print the explanation as one JSON object" };
        var command = new Command("explain", "Show an account's signals, its cluster, and what each contributed to its decision")
        {
            account, events, json, Verb.Embedded,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => Verb.WithClient(parse, ct, async client =>
        {
            if (parse.GetValue(events) is { } file)
            {
                if (!parse.GetValue(Verb.Embedded)) throw new ArgumentException("--events replays into an embedded cluster: add --embedded");
                await new Replayer(client).Replay(file.FullName, cancellationToken: ct);
            }
            var explanation = await client.Explain(parse.GetValue(account)!);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(explanation, Wire.Json));
            else Print(explanation);
            return Verb.Ok;
        }));
        return command;
    }

    private static void Print(AccountExplanation x)
    {
        var v = x.Verdict;
        var root = new Tree(Markup.Escape($"{v.Account}: {Wire.Action(v.Decision.Action)}, score {v.Decision.Score}, policy v{v.Decision.PolicyVersion}" +
            (v.FirstFlaggedAt is { } at ? $", first flagged {Wire.Time(at)}" : "")));
        var s = x.Signals;
        var signals = root.AddNode("signals");
        foreach (var (name, value) in SignalLines.Of(s))
            signals.AddNode(Markup.Escape($"{name}: {value}"));
        AddRisk(root, "own signals", x.Own);
        if (x.Cluster is { } c) AddRisk(root, $"cluster {c.ClusterId} ({c.Members} members, {c.FlaggedMembers} flagged by their own signals)", c.Risk);
        else root.AddNode("no cluster");
        if (x.Ip is { } ip) AddRisk(root, "latest IP", ip);
        if (x.Proxy is { } proxy) AddRisk(root, "latest proxy", proxy);
        if (x.Campaign is { } mark)
            root.AddNode(Markup.Escape($"campaign memory: {mark.Reason} +{F(mark.Points)} points, since {Wire.Time(mark.Since)}, held until {Wire.Time(mark.Until)} unless renewed or cleared"));
        if (x.Ring is { } ring)
            root.AddNode(Markup.Escape($"content ring: {ring.Family}, {ring.Members} ring-like accounts, since {Wire.Time(ring.Since)}, held until {Wire.Time(ring.Until)} unless the family says it again or an operator clears it"));
        root.AddNode(Markup.Escape("decision reasons: " + string.Join(", ", v.Decision.Reasons)));
        AnsiConsole.Write(root);
    }

    private static void AddRisk(Tree root, string label, EntityRisk risk)
    {
        var node = root.AddNode(Markup.Escape($"{label}: score {F(risk.Score)}" + (risk.Override == OverrideAction.None ? "" : $", override {risk.Override.ToString().ToLowerInvariant()}")));
        foreach (var r in risk.Reasons) node.AddNode(Markup.Escape($"{r.Code}: +{F(r.Points)} points"));
    }

    private static string F(double value) => SignalLines.F(value);
}
