using System.Text.Json;
using System.Text.RegularExpressions;
using Risk.Tests.Shared;

namespace Risk.Silo.Tests.Deploy;

/// <summary>One instruction of a Dockerfile: its keyword (upper case) and the rest of its line, continuations joined.</summary>
public sealed record Instruction(string Keyword, string Arguments);

/// <summary>
/// deploy/Dockerfile read as text, as far as the tests need: instructions, stages, and the final stage's environment
/// and entrypoint. No Docker engine is needed, nor is there one here.
/// </summary>
public sealed partial class Dockerfile
{
    public static readonly string Path = System.IO.Path.Combine(Programs.Root, "deploy", "Dockerfile");

    public IReadOnlyList<Instruction> Instructions { get; }

    private Dockerfile(IReadOnlyList<Instruction> instructions) => Instructions = instructions;

    public static Dockerfile Load() => Parse(File.ReadAllText(Path));

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<Instruction>();
        var pending = "";
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#')) continue; // Comments may sit between continued lines too.
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            line = pending + line;
            pending = "";
            if (line.Length == 0) continue;
            var space = line.IndexOfAny([' ', '\t']);
            instructions.Add(space < 0 ? new(line.ToUpperInvariant(), "") : new(line[..space].ToUpperInvariant(), line[(space + 1)..].Trim()));
        }
        return new Dockerfile(instructions);
    }

    /// <summary>The instructions of each stage, a stage starting at its FROM.</summary>
    public IReadOnlyList<IReadOnlyList<Instruction>> Stages =>
        Instructions.Aggregate(new List<List<Instruction>>(), (stages, i) =>
        {
            if (i.Keyword == "FROM") stages.Add([]);
            if (stages.Count > 0) stages[^1].Add(i);
            return stages;
        });

    public IReadOnlyList<Instruction> FinalStage => Stages[^1];

    /// <summary>The image a stage starts from ("FROM image AS name").</summary>
    public static string BaseImage(IReadOnlyList<Instruction> stage) => stage[0].Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];

    /// <summary>The final stage's ENV, in the "ENV KEY=VALUE ..." form (quotes removed).</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        FinalStage.Where(i => i.Keyword == "ENV")
            .SelectMany(i => EnvPair().Matches(i.Arguments))
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value.Trim('"'));

    /// <summary>The final stage's last ENTRYPOINT then CMD, each in exec (JSON array) form: the command the image runs.</summary>
    public IReadOnlyList<string> Command =>
        [.. ExecForm("ENTRYPOINT"), .. ExecForm("CMD")];

    private IReadOnlyList<string> ExecForm(string keyword) =>
        FinalStage.LastOrDefault(i => i.Keyword == keyword) is { } instruction
            ? JsonSerializer.Deserialize<string[]>(instruction.Arguments)
              ?? throw new FormatException($"{keyword} is not in exec form (a JSON array)")
            : [];

    [GeneratedRegex("""(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>"[^"]*"|\S*)""")]
    private static partial Regex EnvPair();
}
