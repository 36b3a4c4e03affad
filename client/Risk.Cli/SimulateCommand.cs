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
        var reference = new Option<bool>("--reference")
        {
            Description = "Use the reference recipe instead of drawing the world's parameters from their ranges (the demo always does)",
        };
        var command = new Command("simulate", "Write labelled synthetic traffic: attacks and the benign crowds that resemble them")
        {
            scenario, output, scale, seed, reference,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(scenario)!;
            var recipe = RecipeFor(name, parse.GetValue(seed), parse.GetValue(reference));
            var summary = Simulator.Write(name, parse.GetValue(output)!.FullName, parse.GetValue(scale), parse.GetValue(seed), recipe: recipe);
            Console.WriteLine(JsonSerializer.Serialize(summary, Wire.Json));
            return Verb.Ok;
        });
        return command;
    }

    /// <summary>Every world draws its parameters from the seed, but the demo, which the README's figures and run-local.sh show.</summary>
    public static Recipe RecipeFor(string scenario, int seed, bool reference) =>
        reference || scenario.Trim().Equals("demo", StringComparison.OrdinalIgnoreCase) ? Recipe.Reference : Recipe.Draw(seed);
}
