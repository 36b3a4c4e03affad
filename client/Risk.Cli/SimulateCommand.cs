using System.CommandLine;
using System.Text.Json;
using Risk.Simulation;

namespace Risk.Cli;

public static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario") { Description = "A scenario name, or all", Required = true };
        scenario.AcceptOnlyFromAmong([.. Simulator.Scenarios]);
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for events.jsonl and labels.json", Required = true };
        var scale = new Option<double>("--scale") { Description = "Multiplies the number of accounts", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same traffic", DefaultValueFactory = _ => 1 };
        var command = new Command("simulate", "Write labelled synthetic traffic: attacks and the benign crowds that resemble them")
        {
            scenario, output, scale, seed,
        };
        command.SetAction(parse =>
        {
            var summary = Simulator.Write(parse.GetValue(scenario)!, parse.GetValue(output)!.FullName, parse.GetValue(scale), parse.GetValue(seed));
            Console.WriteLine(JsonSerializer.Serialize(summary, Wire.Json));
            return Verb.Ok;
        });
        return command;
    }
}
