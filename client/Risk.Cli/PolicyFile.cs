using System.Globalization;
using System.Text.Json;

namespace Risk.Cli;

/// <summary>
/// Settings from a file: the body of POST /v1/policy (<c>{"set": {KEY: VALUE}, "reason": "..."}</c>), or what
/// `risk policy show` and GET /v1/policy print (<c>{"settings": {...}}</c>), so the policy in force can be saved and used.
/// </summary>
public sealed record PolicyFile(IReadOnlyDictionary<string, double> Settings, string? Reason)
{
    /// <exception cref="ArgumentException">No such file, not JSON, or neither shape; the message says which.</exception>
    public static PolicyFile Read(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"no such file: {Path.GetFullPath(path)}");
        JsonElement json;
        try { json = JsonDocument.Parse(File.ReadAllText(path)).RootElement; }
        catch (JsonException e) { throw new ArgumentException($"{path}: not JSON ({e.Message})"); }
        if (json.ValueKind != JsonValueKind.Object
            || !(json.TryGetProperty("set", out var settings) || json.TryGetProperty("settings", out settings))
            || settings.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"{path}: expected {{\"set\": {{KEY: VALUE, ...}}, \"reason\": \"...\"}}");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var setting in settings.EnumerateObject())
        {
            if (setting.Value.ValueKind != JsonValueKind.Number) throw new ArgumentException($"{path}: {setting.Name} must be a number");
            values[setting.Name] = setting.Value.GetDouble();
        }
        var reason = json.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        return new PolicyFile(values, reason);
    }

    /// <summary>Settings written on the command line as KEY=VALUE.</summary>
    public static IReadOnlyDictionary<string, double> Parse(IEnumerable<string> pairs) => PolicyJson.Pairs(pairs);
}
