using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Risk.Contracts;

namespace Risk.Edge;

/// <summary>How Risk's types are written as JSON for scripts: camelCase, lower-case enums, ISO-8601 UTC.</summary>
public static class Wire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Action(DecisionAction action) => action.ToString().ToLowerInvariant();

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string DecisionJson(Decision d) => JsonSerializer.Serialize(new
    {
        action = Action(d.Action),
        score = d.Score,
        reasons = d.Reasons,
        policyVersion = d.PolicyVersion,
    }, Json);
}
