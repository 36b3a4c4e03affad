using System.CommandLine;

namespace Risk.Cli;

public static class DecideCommand
{
    public static Command Create()
    {
        var account = new Option<string>("--account") { Description = "Account id", Required = true };
        var ip = new Option<string?>("--ip") { Description = "Client IP address" };
        var proxy = new Option<string?>("--proxy") { Description = "Identified intermediary" };
        var command = new Command("decide", "Print the decision for one request as JSON") { account, ip, proxy };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => Verb.WithClient(parse, ct, async client =>
        {
            var decision = await client.Decide(parse.GetValue(account)!, parse.GetValue(ip), parse.GetValue(proxy));
            Console.WriteLine(Wire.DecisionJson(decision));
            return Verb.Ok;
        }));
        return command;
    }
}
