using Risk.Tests.Shared;
using YamlDotNet.RepresentationModel;

namespace Risk.Silo.Tests.Deploy;

/// <summary>One YAML document of deploy/k8s, with the file it came from.</summary>
public sealed record Manifest(string File, YamlMappingNode Root)
{
    public string? Kind => Root.Text("kind");
    public string? Name => Root.Map("metadata")?.Text("name");
    public override string ToString() => $"{File}: {Kind} {Name}";
}

/// <summary>Every document of every YAML file in deploy/k8s, read with YamlDotNet, and small ways to walk them.</summary>
public static class Manifests
{
    public static readonly string Directory = Path.Combine(Programs.Root, "deploy", "k8s");

    public static IEnumerable<string> Files => System.IO.Directory.EnumerateFiles(Directory, "*.yaml").Order();

    public static IReadOnlyList<Manifest> All => [.. Files.SelectMany(Load)];

    public static IEnumerable<Manifest> Load(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file)) stream.Load(reader);
        foreach (var document in stream.Documents)
        {
            // A document that is only comments (or a trailing ---) has no root mapping.
            if (document.RootNode is YamlMappingNode root) yield return new Manifest(Path.GetFileName(file), root);
            else if (document.RootNode is not YamlScalarNode { Value: null or "" })
                throw new InvalidDataException($"{file}: a document that is not a mapping");
        }
    }

    public static Manifest Single(string kind, string? name = null) =>
        All.Single(m => m.Kind == kind && (name is null || m.Name == name));

    public static YamlMappingNode? Map(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    public static IReadOnlyList<YamlNode> List(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode list ? [.. list.Children] : [];

    public static IEnumerable<YamlMappingNode> Maps(this YamlMappingNode node, string key) => node.List(key).OfType<YamlMappingNode>();

    public static string? Text(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    /// <summary>A path of mapping keys, such as "spec.template.spec".</summary>
    public static YamlMappingNode At(this YamlMappingNode node, string path) =>
        path.Split('.').Aggregate(node, (at, key) => at.Map(key) ?? throw new KeyNotFoundException($"no '{key}' in the path '{path}'"));

    /// <summary>A mapping of strings (labels, a selector's matchLabels, a ConfigMap's data).</summary>
    public static IReadOnlyDictionary<string, string> Strings(this YamlMappingNode? node) =>
        node?.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value ?? "") ?? [];

    /// <summary>Every mapping anywhere under the node, depth first.</summary>
    public static IEnumerable<YamlMappingNode> Descendants(this YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.Values.SelectMany(Descendants).Prepend(map),
        YamlSequenceNode list => list.Children.SelectMany(Descendants),
        _ => [],
    };
}
