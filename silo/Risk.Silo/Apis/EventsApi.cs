using System.Text.Json;
using Microsoft.Extensions.Options;
using Risk.Edge;
using Risk.Contracts;
using Risk.Grains;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>POST /v1/events: a JSON array or JSON Lines of events, in the event contract.</summary>
public static class EventsApi
{
    public static void MapEventsApi(this WebApplication app) =>
        app.MapPost("/v1/events", Ingest).Allow(app.Services.GetRequiredService<ApiKeys>(), ApiRole.Gateway, ApiRole.Admin)
            .RequireRateLimiting(HttpExtensions.EventsRateLimit);

    /// <summary>
    /// 202 with the count applied and each refused event's index and reason; 400 when the body is not a JSON array
    /// or JSON Lines at all; 413 past the size limits. One bad event never costs the others; the IP of each is
    /// checked by ingest, which refuses it by index like any other field.
    /// </summary>
    private static async Task<IResult> Ingest(HttpRequest request, IGrainFactory grains, IOptions<HttpApiOptions> options, CancellationToken ct)
    {
        var limits = options.Value;
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Problem($"the body is larger than {limits.MaxBodyBytes} bytes", statusCode: 413);
        }

        var now = DateTime.UtcNow;
        var events = Read(body, now);
        if (events is null) return Results.Problem("the body must be a JSON array of events or JSON Lines", statusCode: 400);
        if (events.Count > limits.MaxEventsPerRequest)
            return Results.Problem($"at most {limits.MaxEventsPerRequest} events per request", statusCode: 413);

        var rejections = new List<Rejection>();
        var valid = new List<(int Index, RiskEvent Event)>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Event is { } e) valid.Add((i, e));
            else rejections.Add(new Rejection(i, events[i].Error!));
        }
        var ingest = grains.GetGrain<IIngestGrain>(0);
        var duplicates = 0;
        foreach (var chunk in valid.Chunk(Math.Max(1, limits.BatchSize)))
        {
            var receipt = await ingest.Ingest(chunk.Select(x => x.Event).ToArray());
            rejections.AddRange(receipt.Rejections.Select(r => new Rejection(chunk[r.Index].Index, r.Reason)));
            duplicates += receipt.Duplicates;
        }
        rejections.Sort((a, b) => a.Index.CompareTo(b.Index));
        // Every event is the posting key's: a gateway that reports what its users never sent is visible by its name.
        var key = HttpExtensions.KeyName(request.HttpContext.User);
        RiskMetrics.HttpEvents.Add(events.Count - rejections.Count, new("key", key), new("outcome", "accepted"));
        RiskMetrics.HttpEvents.Add(rejections.Count, new("key", key), new("outcome", "rejected"));
        return Results.Json(new
        {
            accepted = events.Count - rejections.Count,
            // Among the accepted: events whose id their account had applied before (a retry that is done).
            duplicates,
            rejected = rejections.Count,
            rejections = rejections.Select(r => new { index = r.Index, reason = r.Reason }),
        }, Wire.Json, statusCode: 202);
    }

    /// <summary>
    /// The body's events, each parsed once: the elements of an array, or the non-blank lines of JSON Lines. Null when
    /// the body is neither: it must open with '[' or '{' (after blanks), so a stray text is a bad request, not an
    /// event refused.
    /// </summary>
    private static List<ParsedEvent>? Read(byte[] body, DateTime now)
    {
        var text = body.AsSpan().TrimStart(" \t\r\n"u8);
        if (text.IsEmpty) return [];
        if (text[0] == (byte)'[')
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind != JsonValueKind.Array) return null;
                return doc.RootElement.EnumerateArray().Select(e => EventReader.Parse(e, now)).ToList();
            }
            catch (JsonException)
            {
                return null;
            }
        }
        if (text[0] != (byte)'{') return null;
        var events = new List<ParsedEvent>();
        ReadOnlySpan<byte> rest = body;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlySpan<byte>.Empty : rest[(end + 1)..];
            if (!line.Trim(" \t\r"u8).IsEmpty) events.Add(EventReader.Parse(line, now));
        }
        return events;
    }
}
