using System.Text;
using System.Text.Json;
using Risk.Client.Gateway;
using Risk.Contracts;
using Risk.Edge;
using Risk.Grains;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>
/// POST /v1/mirror: a copy of one request to the model API, as nginx's <c>mirror</c> sends it (deploy/nginx), so that
/// a gateway that only asks for decisions also feeds Risk. Who sent it comes in headers: X-Risk-Account, X-Real-IP
/// (else the first X-Forwarded-For), X-Risk-Proxy, X-Risk-Ja4 and X-Risk-Time (ISO-8601 with an offset; else now).
/// The body is the client's request as sent: the model and the prompt are read from an Anthropic Messages or an
/// OpenAI Chat Completions or Completions body, the text becomes features at once and is dropped. The event goes
/// through the silo's own gateway queue (batched, numbered, retried). 202, or 400 with why.
/// </summary>
public static class MirrorApi
{
    public const string TimeHeader = "X-Risk-Time";
    public const string Ja4Header = "X-Risk-Ja4";

    /// <summary>The prompt is read from at most this much of a body; a larger request still counts, without its text.</summary>
    public const int MaxPromptBodyBytes = 1 << 20;

    public static void MapMirrorApi(this WebApplication app) =>
        app.MapPost("/v1/mirror", Mirror).Allow(app.Services.GetRequiredService<ApiKeys>(), ApiRole.Gateway, ApiRole.Admin)
            .RequireRateLimiting(HttpExtensions.EventsRateLimit);

    private static async Task<IResult> Mirror(HttpRequest request, RiskGateway gateway, CancellationToken ct)
    {
        var headers = request.Headers;
        var (model, prompt) = await ReadBody(request, ct);
        var time = HttpExtensions.Header(headers, TimeHeader);
        DateTime ts;
        if (time is null) ts = DateTime.UtcNow;
        else if (EventReader.ParseTime(time) is { } parsed) ts = parsed;
        else return Refused(request, $"ts: {TimeHeader} must be an ISO-8601 time with Z or an offset");
        var (account, ip, proxy) = HttpExtensions.Requester(headers);
        // Missing ones are refused by the event rules below, as in any event.
        var e = new RiskEvent(ts, account!, ip!, proxy,
            Ja4: HttpExtensions.Header(headers, Ja4Header),
            Model: model,
            Prompt: prompt is null ? null : PromptFeatures.Extract(prompt));
        var problem = EventRules.Check(e, DateTime.UtcNow) ?? (GrainKeys.NormalizeIp(e.Ip) is null ? "ip: not an IPv4 or IPv6 address" : null);
        if (problem is not null) return Refused(request, problem);
        // Past the gateway queue's capacity the event is dropped and counted there, as any report is.
        gateway.Report(e);
        RiskMetrics.HttpEvents.Add(1, new("key", HttpExtensions.KeyName(request.HttpContext.User)), new("outcome", "accepted"));
        return Results.Accepted();
    }

    private static IResult Refused(HttpRequest request, string reason)
    {
        RiskMetrics.HttpEvents.Add(1, new("key", HttpExtensions.KeyName(request.HttpContext.User)), new("outcome", "rejected"));
        return Results.Problem(reason, statusCode: 400);
    }

    /// <summary>The model and the prompt's text, from what the client sent; nulls for a body that is not such JSON.</summary>
    private static async Task<(string? Model, string? Prompt)> ReadBody(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length is 0 or > MaxPromptBodyBytes) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null);
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return (model, PromptOf(root));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or text that is not Unicode: the request counts, its prompt does not.
            return (null, null);
        }
    }

    /// <summary>
    /// The instructions a request carries: its system prompt and its latest user turn (Anthropic Messages, OpenAI
    /// Chat Completions), or its prompt (OpenAI Completions). Earlier turns were counted when they were sent.
    /// </summary>
    private static string? PromptOf(JsonElement root)
    {
        var text = new StringBuilder();
        if (root.TryGetProperty("system", out var system)) AppendText(text, system);
        if (root.TryGetProperty("prompt", out var prompt)) AppendText(text, prompt);
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            JsonElement? lastUser = null;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role)) continue;
                if (role.ValueKind == JsonValueKind.String && role.GetString() is "system" or "developer" && message.TryGetProperty("content", out var s))
                    AppendText(text, s);
                if (role.ValueKind == JsonValueKind.String && role.GetString() == "user") lastUser = message;
            }
            if (lastUser is { } user && user.TryGetProperty("content", out var content)) AppendText(text, content);
        }
        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>A string, or the text blocks of a content array ({"type": "text", "text": ...}).</summary>
    private static void AppendText(StringBuilder text, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String) Append(text, value.GetString());
        else if (value.ValueKind == JsonValueKind.Array)
            foreach (var block in value.EnumerateArray())
                if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                    Append(text, t.GetString());
                else if (block.ValueKind == JsonValueKind.String) Append(text, block.GetString());
    }

    private static void Append(StringBuilder text, string? part)
    {
        if (string.IsNullOrEmpty(part)) return;
        if (text.Length > 0) text.Append('\n');
        text.Append(part);
    }
}
