using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// The policy's versions, differences and shadow as JSON objects, one shape whether the silo's HTTP API or `risk` over
/// the Orleans port writes them. Settings are written as decisions read them: every knob, a missing one at its default.
/// </summary>
public static class PolicyJson
{
    /// <summary>
    /// Risk's JSON with "->" written as it is: a pair such as "allow->challenge" is what scripts and people look for, and
    /// these documents are data, never HTML.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(Wire.Json) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Dictionary<string, double> Settings(RiskPolicy policy)
    {
        var view = new PolicyView(policy);
        return Knobs.All.ToDictionary(k => k.Key, k => view[k]);
    }

    public static object Policy(RiskPolicy policy) => new
    {
        version = policy.Version,
        updatedAt = Wire.Time(policy.UpdatedAt),
        settings = Settings(policy),
    };

    public static object Versions(PolicyVersions versions) => new
    {
        current = versions.Current,
        oldest = versions.Oldest,
        versions = versions.Versions.Select(v => new
        {
            version = v.Version,
            at = Wire.Time(v.At),
            actor = v.Actor,
            reason = v.Reason,
            changed = v.Changed.ToDictionary(c => c.Key, c => new { from = Value(c.Key, c.Value.Before), to = Value(c.Key, c.Value.After) }),
            settings = Settings(new RiskPolicy(v.Version, v.Settings, v.At)),
        }),
    };

    public static object Diff(RiskPolicy from, RiskPolicy to) => new
    {
        from = from.Version,
        to = to.Version,
        changed = PolicyCatalog.Differences(from, to).ToDictionary(d => d.Key, d => new { from = d.Value.From, to = d.Value.To }),
    };

    public static object Shadow(ShadowPolicy shadow) => new
    {
        id = shadow.Id,
        set = shadow.Set,
        since = Wire.Time(shadow.Since),
        ended = shadow.Ended is { } ended ? Wire.Time(ended) : null,
        actor = shadow.Actor,
        reason = shadow.Reason,
    };

    /// <summary>Only the pairs whose actions differ, with the total compared: most decisions do not change.</summary>
    public static object ShadowReport(ShadowPolicy shadow, ShadowCounts counts) => new
    {
        shadow = Shadow(shadow),
        compared = counts.Compared,
        changed = counts.Changed.OrderBy(p => p.Live).ThenBy(p => p.Candidate).ToDictionary(p => Pair(p.Live, p.Candidate), p => p.Count),
        examples = counts.Changed.OrderBy(p => p.Live).ThenBy(p => p.Candidate).ToDictionary(p => Pair(p.Live, p.Candidate), p => p.Examples),
    };

    /// <summary>Settings written as KEY=VALUE, one per item (spaces around either side allowed), as the CLI and the console take them.</summary>
    public static IReadOnlyDictionary<string, double> Pairs(IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var at = pair.IndexOf('=');
            if (at <= 0 || pair[..at].Trim() is not { Length: > 0 } key
                || !double.TryParse(pair[(at + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new ArgumentException($"'{pair}': expected KEY=VALUE with a number");
            values[key] = value;
        }
        return values;
    }

    /// <summary>"allow->challenge": the action under the live policy, then under the candidate.</summary>
    public static string Pair(DecisionAction live, DecisionAction candidate) => $"{Wire.Action(live)}->{Wire.Action(candidate)}";

    /// <summary>A stored value, or the knob's default where none is stored.</summary>
    private static double? Value(string key, double? stored) =>
        stored ?? (PolicyCatalog.ByKey.TryGetValue(key, out var knob) ? knob.Default : null);
}
