using System.CommandLine;
using Risk.Cli;

var root = new RootCommand("risk: replay traffic into the Risk cluster, ask for decisions, and manage policy and overrides")
{
    ReplayCommand.Create(),
    DecideCommand.Create(),
    OverrideCommand.Create(),
    PolicyCommand.Create(),
    SimulateCommand.Create(),
    EvaluateCommand.Create(),
    BacktestCommand.Create(),
    ExplainCommand.Create(),
    KeysCommand.Create(),
    ExportCommand.Create(),
};
var parse = root.Parse(args);
// A command line that does not parse is bad input (exit 2), as the README says, not a failure (System.CommandLine's 1).
if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("add --help for usage");
    return Verb.BadInput;
}
return await parse.InvokeAsync();
