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
    ExplainCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
