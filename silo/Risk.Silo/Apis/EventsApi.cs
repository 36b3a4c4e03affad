using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Risk.Client;
using Risk.Contracts;

namespace Risk.Silo.Apis;

/// <summary>POST /v1/events: a JSON array or JSON Lines of events, in the event contract.</summary>
public static class EventsApi
{
    public static void MapEventsApi(this WebApplication app) => app.MapPost("/v1/events", Ingest);

    /// <summary>
    /// 202 with the count applied and each refused event's index and reason; 400 when the body is not a JSON array
    /// or JSON Lines at all; 413 past the size limits. One bad event never costs the others.
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

        var items = Split(body);
        if (items is null) return Results.Problem("the body must be a JSON array of events or JSON Lines", statusCode: 400);
        if (items.Count > limits.MaxEventsPerRequest)
            return Results.Problem($"at most {limits.MaxEventsPerRequest} events per request", statusCode: 413);

        var now = DateTime.UtcNow;
        var rejections = new List<Rejection>();
        var valid = new List<(int Index, RiskEvent Event)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var parsed = EventReader.Parse(items[i].Span, now);
            if (parsed.Event is null) rejections.Add(new Rejection(i, parsed.Error!));
            else valid.Add((i, parsed.Event));
        }
        var ingest = grains.GetGrain<IIngestGrain>(0);
        foreach (var chunk in valid.Chunk(Math.Max(1, limits.BatchSize)))
        {
            var receipt = await ingest.Ingest(chunk.Select(x => x.Event).ToArray());
            rejections.AddRange(receipt.Rejections.Select(r => new Rejection(chunk[r.Index].Index, r.Reason)));
        }
        rejections.Sort((a, b) => a.Index.CompareTo(b.Index));
        return Results.Json(new
        {
            accepted = items.Count - rejections.Count,
            rejected = rejections.Count,
            rejections = rejections.Select(r => new { index = r.Index, reason = r.Reason }),
        }, Wire.Json, statusCode: 202);
    }

    /// <summary>The body's events as raw JSON each: the elements of an array, or the non-blank lines. Null if neither.</summary>
    private static List<ReadOnlyMemory<byte>>? Split(byte[] body)
    {
        var start = 0;
        while (start < body.Length && char.IsWhiteSpace((char)body[start])) start++;
        if (start == body.Length) return [];
        if (body[start] == '[')
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind != JsonValueKind.Array) return null;
                return doc.RootElement.EnumerateArray().Select(e => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(e.GetRawText())).ToList();
            }
            catch (JsonException)
            {
                return null;
            }
        }
        var lines = new List<ReadOnlyMemory<byte>>();
        ReadOnlyMemory<byte> memory = body;
        while (memory.Length > 0)
        {
            var end = memory.Span.IndexOf((byte)'\n');
            var line = end < 0 ? memory : memory[..end];
            memory = end < 0 ? ReadOnlyMemory<byte>.Empty : memory[(end + 1)..];
            if (!line.Span.Trim(" \t\r"u8).IsEmpty) lines.Add(line);
        }
        return lines;
    }
}
