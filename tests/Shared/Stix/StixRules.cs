using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Risk.Tests.Shared;

/// <summary>
/// Checks a bundle against the rules of STIX 2.1 that the objects Risk exports are bound by: common and per-type
/// required properties, identifiers (type--UUID, version 5 for objects, 4 for the bundle), RFC 3339 UTC timestamps and
/// their order, custom content only as x_ properties or extensions, the suggested vocabularies, the relationships the
/// specification lists, references that resolve in the bundle, and the patterning grammar of comparison expressions.
/// There is no STIX validator for .NET, so this is written from the specification.
/// </summary>
public static partial class StixRules
{
    private static readonly string[] Common = ["type", "spec_version", "id", "created", "modified", "created_by_ref", "revoked", "labels",
        "confidence", "lang", "external_references", "object_marking_refs", "granular_markings", "extensions"];

    private static readonly Dictionary<string, (string[] Required, string[] Optional)> Types = new()
    {
        ["identity"] = (["name"], ["description", "roles", "identity_class", "sectors", "contact_information"]),
        ["campaign"] = (["name"], ["description", "aliases", "first_seen", "last_seen", "objective"]),
        ["infrastructure"] = (["name"], ["description", "infrastructure_types", "aliases", "kill_chain_phases", "first_seen", "last_seen"]),
        ["indicator"] = (["pattern", "pattern_type", "valid_from"], ["name", "description", "indicator_types", "pattern_version", "valid_until", "kill_chain_phases"]),
        ["relationship"] = (["relationship_type", "source_ref", "target_ref"], ["description", "start_time", "stop_time"]),
        ["sighting"] = (["sighting_of_ref"], ["description", "first_seen", "last_seen", "count", "observed_data_refs", "where_sighted_refs", "summary"]),
        ["extension-definition"] = (["created_by_ref", "name", "schema", "version", "extension_types"], ["description", "extension_properties"]),
    };

    private static readonly Dictionary<string, string[]> Vocabularies = new()
    {
        ["identity_class"] = ["individual", "group", "system", "organization", "class", "unknown"],
        ["infrastructure_types"] = ["amplification", "anonymization", "botnet", "command-and-control", "control-system", "exfiltration",
            "firewall", "hosting-malware", "hosting-target-lists", "phishing", "reconnaissance", "routers-switches", "staging", "workstation", "unknown"],
        ["indicator_types"] = ["anomalous-activity", "anonymization", "benign", "compromised", "malicious-activity", "attribution", "unknown"],
        ["extension_types"] = ["new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"],
    };

    /// <summary>The relationships the specification lists for the source types Risk exports (plus the generic ones).</summary>
    private static readonly Dictionary<(string Source, string Type), string[]> Relationships = new()
    {
        [("indicator", "indicates")] = ["attack-pattern", "campaign", "infrastructure", "intrusion-set", "malware", "threat-actor", "tool"],
        [("campaign", "uses")] = ["attack-pattern", "infrastructure", "malware", "tool"],
        [("campaign", "attributed-to")] = ["intrusion-set", "threat-actor"],
        [("infrastructure", "consists-of")] = ["infrastructure", "observed-data", "ipv4-addr", "ipv6-addr", "domain-name", "url"],
    };

    [GeneratedRegex(@"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--([0-9a-f]{8}-[0-9a-f]{4}-([1-8])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}Z$")]
    private static partial Regex MillisecondTime();

    [GeneratedRegex(@"^[a-z0-9_]{3,250}$")]
    private static partial Regex PropertyName();

    /// <summary>Every rule broken, one line each; empty when the bundle keeps them all.</summary>
    public static List<string> Check(JsonElement bundle)
    {
        var problems = new List<string>();
        if (Str(bundle, "type") != "bundle") problems.Add("the top level is not a bundle");
        if (Version(Str(bundle, "id"), "bundle") is not 4) problems.Add($"bundle id {Str(bundle, "id")} is not bundle--UUIDv4");
        if (bundle.TryGetProperty("spec_version", out _)) problems.Add("a 2.1 bundle has no spec_version");
        if (!bundle.TryGetProperty("objects", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            problems.Add("the bundle has no objects");
            return problems;
        }
        var objects = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var o in list.EnumerateArray())
            if (Str(o, "id") is { } id && !objects.TryAdd(id, o)) problems.Add($"{id} appears twice");
        foreach (var o in list.EnumerateArray()) CheckObject(o, objects, problems);
        return problems;
    }

    private static void CheckObject(JsonElement o, Dictionary<string, JsonElement> objects, List<string> problems)
    {
        var type = Str(o, "type") ?? "?";
        var id = Str(o, "id") ?? "?";
        void Problem(string what) => problems.Add($"{id}: {what}");
        if (!Types.TryGetValue(type, out var shape))
        {
            Problem($"type {type} is not one Risk exports");
            return;
        }
        if (Str(o, "spec_version") != "2.1") Problem("spec_version is not \"2.1\"");
        if (Version(id, type) is not 5) Problem("id is not TYPE--UUIDv5 of its own type");
        foreach (var name in shape.Required.Concat(["created", "modified"]))
            if (!o.TryGetProperty(name, out var v) || v.ValueKind is JsonValueKind.Null) Problem($"lacks required {name}");
        foreach (var p in o.EnumerateObject())
        {
            var defined = Common.Contains(p.Name) || shape.Required.Contains(p.Name) || shape.Optional.Contains(p.Name);
            if (!defined && !p.Name.StartsWith("x_", StringComparison.Ordinal)) Problem($"custom property {p.Name} is neither x_ nor an extension");
            // The naming rule binds custom properties; the specification's own include the two-letter id.
            if (!defined && !PropertyName().IsMatch(p.Name)) Problem($"custom property name {p.Name} breaks the naming rule");
            if (p.Value.ValueKind is JsonValueKind.Null) Problem($"{p.Name} is null (omit it instead)");
            if (Vocabularies.TryGetValue(p.Name, out var words))
                foreach (var word in p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray().Select(w => w.GetString()) : [p.Value.GetString()])
                    if (!words.Contains(word)) Problem($"{p.Name} value {word} is not in the vocabulary");
        }
        var created = Time(o, "created", problems, id, milliseconds: true);
        var modified = Time(o, "modified", problems, id, milliseconds: true);
        if (created > modified) Problem("modified is before created");
        if (Str(o, "created_by_ref") is { } creator && Resolve(creator, objects) is not "identity") Problem($"created_by_ref {creator} is not an identity in the bundle");

        switch (type)
        {
            case "indicator":
                if (Str(o, "pattern_type") != "stix") Problem("pattern_type is not stix");
                if (Str(o, "pattern") is { } pattern)
                    foreach (var error in StixPattern.Check(pattern, objects)) Problem($"pattern {pattern}: {error}");
                var from = Time(o, "valid_from", problems, id);
                if (o.TryGetProperty("valid_until", out _) && Time(o, "valid_until", problems, id) <= from) Problem("valid_until is not after valid_from");
                break;
            case "relationship":
                var (source, target, kind) = (Resolve(Str(o, "source_ref"), objects), Resolve(Str(o, "target_ref"), objects), Str(o, "relationship_type") ?? "");
                if (source is null) Problem($"source_ref {Str(o, "source_ref")} is not in the bundle");
                if (target is null) Problem($"target_ref {Str(o, "target_ref")} is not in the bundle");
                if (source is not null && target is not null && kind is not ("related-to" or "derived-from" or "duplicate-of")
                    && !(Relationships.TryGetValue((source, kind), out var targets) && targets.Contains(target)))
                    Problem($"{source} {kind} {target} is not a relationship STIX defines");
                break;
            case "sighting":
                if (Resolve(Str(o, "sighting_of_ref"), objects) is not { } sighted || sighted is "relationship" or "sighting")
                    Problem($"sighting_of_ref {Str(o, "sighting_of_ref")} is not an SDO in the bundle");
                if (o.TryGetProperty("count", out var count) && (!count.TryGetInt64(out var n) || n is < 0 or > 999_999_999)) Problem("count out of range");
                if (o.TryGetProperty("first_seen", out _) && o.TryGetProperty("last_seen", out _)
                    && Time(o, "first_seen", problems, id) > Time(o, "last_seen", problems, id)) Problem("last_seen is before first_seen");
                if (o.TryGetProperty("where_sighted_refs", out var where))
                    foreach (var w in where.EnumerateArray())
                        if (Resolve(w.GetString(), objects) is not ("identity" or "location")) Problem($"where_sighted_refs {w} is not an identity or location in the bundle");
                break;
            case "campaign" or "infrastructure":
                if (o.TryGetProperty("first_seen", out _) && o.TryGetProperty("last_seen", out _)
                    && Time(o, "first_seen", problems, id) > Time(o, "last_seen", problems, id)) Problem("last_seen is before first_seen");
                break;
        }
    }

    /// <summary>The type of the object an id names, if the bundle holds it.</summary>
    public static string? Resolve(string? id, Dictionary<string, JsonElement> objects) =>
        id is not null && objects.TryGetValue(id, out var o) ? Str(o, "type") : null;

    /// <summary>The UUID version of an id of the given type, or null if it is not TYPE--UUID.</summary>
    public static int? Version(string? id, string type)
    {
        var match = IdPattern().Match(id ?? "");
        return match.Success && match.Groups[1].Value == type ? match.Groups[3].Value[0] - '0' : null;
    }

    private static DateTime Time(JsonElement o, string name, List<string> problems, string id, bool milliseconds = false)
    {
        var text = Str(o, name);
        if (text is null || !TimePattern().IsMatch(text) || (milliseconds && !MillisecondTime().IsMatch(text))
            || !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            problems.Add($"{id}: {name} {text} is not an RFC 3339 UTC timestamp{(milliseconds ? " to the millisecond" : "")}");
            return default;
        }
        return t;
    }

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>
/// STIX 2.1 patterning, the part Risk writes: observation expressions in brackets joined by AND, OR or FOLLOWEDBY;
/// inside, comparison expressions (object path, operator, literal) joined by AND and OR, with parentheses. No
/// qualifiers. Also what the values must be: an IPv4 or IPv6 address (or CIDR for ISSUBSET) for the address
/// types, and an extension path naming an extension-definition in the bundle.
/// </summary>
public static class StixPattern
{
    private static readonly string[] Operators = ["=", "!=", "<", "<=", ">", ">=", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"];

    public static List<string> Check(string pattern, Dictionary<string, JsonElement> objects)
    {
        var errors = new List<string>();
        try
        {
            var parser = new Parser(Tokens(pattern).ToList(), objects, errors);
            parser.Observations();
            if (!parser.AtEnd) throw new FormatException($"unexpected '{parser.Peek}'");
        }
        catch (FormatException e)
        {
            errors.Add(e.Message);
        }
        return errors;
    }

    private sealed record Token(string Kind, string Text);

    private static IEnumerable<Token> Tokens(string s)
    {
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var value = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= s.Length) throw new FormatException("unterminated string literal");
                    if (s[i] == '\\')
                    {
                        if (i + 1 >= s.Length || s[i + 1] is not ('\\' or '\'')) throw new FormatException("a string literal may escape only \\ and '");
                        value.Append(s[i + 1]);
                        i += 2;
                    }
                    else if (s[i] == '\'') { i++; break; }
                    else value.Append(s[i++]);
                }
                yield return new Token("string", value.ToString());
                continue;
            }
            if ("[]().:,".Contains(c)) { yield return new Token(c.ToString(), c.ToString()); i++; continue; }
            if (c is '=' or '!' or '<' or '>')
            {
                var op = i + 1 < s.Length && s[i + 1] == '=' ? s.Substring(i, 2) : c.ToString();
                if (op == "!") throw new FormatException("'!' without '='");
                yield return new Token("op", op);
                i += op.Length;
                continue;
            }
            var start = i;
            while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or '-' or '*')) i++;
            if (i == start) throw new FormatException($"unexpected character '{c}'");
            yield return new Token("word", s[start..i]);
        }
    }

    private sealed class Parser(List<Token> tokens, Dictionary<string, JsonElement> objects, List<string> errors)
    {
        private int _at;
        public bool AtEnd => _at >= tokens.Count;
        public string Peek => AtEnd ? "end" : tokens[_at].Text;
        private bool Is(string kind, string? text = null) => !AtEnd && tokens[_at].Kind == kind && (text is null || tokens[_at].Text == text);
        private Token Take(string kind, string? text = null) =>
            Is(kind, text) ? tokens[_at++] : throw new FormatException($"expected {text ?? kind}, found '{Peek}'");

        public void Observations()
        {
            Observation();
            while (Is("word", "AND") || Is("word", "OR") || Is("word", "FOLLOWEDBY"))
            {
                _at++;
                Observation();
            }
        }

        private void Observation()
        {
            if (Is("("))
            {
                _at++;
                Observations();
                Take(")");
                return;
            }
            Take("[");
            Comparisons();
            Take("]");
            if (Is("word", "WITHIN") || Is("word", "REPEATS") || Is("word", "START")) throw new FormatException("qualifiers are not part of what Risk writes");
        }

        /// <returns>The object type every comparison joined by AND refers to (the specification requires one).</returns>
        private string Comparisons()
        {
            var type = Conjunction();
            while (Is("word", "OR"))
            {
                _at++;
                Conjunction();
            }
            return type;
        }

        private string Conjunction()
        {
            var type = Comparison();
            while (Is("word", "AND"))
            {
                _at++;
                if (Comparison() != type) throw new FormatException("comparisons joined by AND refer to different object types");
            }
            return type;
        }

        private string Comparison()
        {
            if (Is("("))
            {
                _at++;
                var inner = Comparisons();
                Take(")");
                return inner;
            }
            var type = Take("word").Text;
            if (!System.Text.RegularExpressions.Regex.IsMatch(type, "^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$")) throw new FormatException($"'{type}' is not an object type");
            Take(":");
            var path = new List<string> { Step() };
            while (Is(".") || Is("["))
            {
                if (Is("."))
                {
                    _at++;
                    path.Add(Step());
                }
                else
                {
                    _at++;
                    var index = Take("word").Text;
                    if (index != "*" && !int.TryParse(index, out _)) throw new FormatException($"'{index}' is not a list index");
                    Take("]");
                }
            }
            if (Is("word", "NOT")) _at++;
            var op = Is("op") ? Take("op").Text : Take("word").Text;
            if (!Operators.Contains(op)) throw new FormatException($"'{op}' is not a comparison operator");
            var literal = Literal();
            Meaning(type, path, op, literal);
            return type;
        }

        private string Step()
        {
            if (Is("string")) return Take("string").Text;
            var name = Take("word").Text;
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9_]+$")) throw new FormatException($"'{name}' is not a property name");
            return name;
        }

        private (string Kind, string Value) Literal()
        {
            if (Is("string")) return ("string", Take("string").Text);
            var word = Take("word").Text;
            if (word is "true" or "false") return ("bool", word);
            if (long.TryParse(word, out _)) return ("int", word);
            if (word is "t" or "h" or "b" && Is("string")) return (word, Take("string").Text);
            throw new FormatException($"'{word}' is not a literal");
        }

        /// <summary>What the values of the properties Risk writes must be.</summary>
        private void Meaning(string type, List<string> path, string op, (string Kind, string Value) literal)
        {
            var where = $"{type}:{string.Join('.', path)}";
            switch (type, path[0])
            {
                case ("ipv4-addr" or "ipv6-addr", "value"):
                    var family = type == "ipv4-addr" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                    var text = op is "ISSUBSET" or "ISSUPERSET" ? literal.Value.Split('/')[0] : literal.Value;
                    // .NET also reads the old inet_aton forms ("198.51.100" is 198.51.0.100): STIX means the dotted quad.
                    if (literal.Kind != "string" || !IPAddress.TryParse(text, out var address) || address.AddressFamily != family
                        || (family == AddressFamily.InterNetwork && address.ToString() != text))
                        errors.Add($"{where} compared with '{literal.Value}', not an {type} value");
                    break;
                case ("user-account", "user_id"):
                    if (literal.Kind != "string") errors.Add($"{where} is a string");
                    break;
                case (_, "extensions"):
                    if (path.Count < 3 || StixRules.Resolve(path[1], objects) is not "extension-definition")
                        errors.Add($"{where} names no extension-definition in the bundle");
                    break;
                default:
                    if (!path[0].StartsWith("x_", StringComparison.Ordinal)) errors.Add($"{where} is not a property Risk writes");
                    break;
            }
        }
    }
}
