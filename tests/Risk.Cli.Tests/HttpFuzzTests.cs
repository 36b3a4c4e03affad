using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Risk.Contracts;
using Risk.Edge;
using Risk.Tests.Fuzz;
using Xunit.Abstractions;

namespace Risk.Cli.Tests;

/// <summary>
/// The silo's HTTP API against hostile requests, on a real silo process: no answer is a 5xx, every posted event is
/// counted as accepted or refused, and the process is alive and healthy at the end.
/// </summary>
public class HttpFuzzTests(HttpSilo fixture, ITestOutputHelper output) : IClassFixture<HttpSilo>, IDisposable
{
    /// <summary>HttpSilo's --Risk:Http:MaxEventsPerRequest.</summary>
    private const int MaxEvents = 50;

    /// <summary>A client that sends header values as UTF-8 rather than refusing what is not ASCII, so the silo sees them.</summary>
    private readonly HttpClient _http = new(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
    {
        BaseAddress = fixture.Silo.Http,
    };

    private readonly Dictionary<string, int> _statuses = [];

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Hostile_requests_never_get_a_5xx_every_posted_event_is_counted_and_the_silo_stays_healthy()
    {
        var started = DateTime.UtcNow;
        var (posts, events, authz, decisions) = (0, 0, 0, 0);

        await Posts.SampleAsync(async post =>
        {
            posts++;
            events += post.Events ?? 0;
            await Check(post);
        }, iter: 500, threads: 1, print: p => p.ToString());

        await AuthzRequests.SampleAsync(async request =>
        {
            authz++;
            await Check(request);
        }, iter: 200, threads: 1, print: r => r.ToString());

        await DecisionRequests.SampleAsync(async request =>
        {
            decisions++;
            await Check(request);
        }, iter: 200, threads: 1, print: r => r.ToString());

        output.WriteLine($"{posts} posts ({events} events in well-formed bodies), {authz} authz and {decisions} decision requests "
            + $"in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        output.WriteLine(string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));

        // Still alive, healthy, taking events and deciding.
        Assert.False(fixture.Silo.Exited, fixture.Silo.Log);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
        var known = await _http.PostAsync("/v1/events", new StringContent(
            $$"""{"ts":"{{HostileEvents.ValidTs}}","account":"fz-http-known","ip":"198.51.100.77"}""", Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(1, (await Json(known)).GetProperty("accepted").GetInt32());
        var decision = await _http.GetAsync("/v1/decision?account=fz-http-known&ip=198.51.100.77");
        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
        Assert.False(string.IsNullOrEmpty((await Json(decision)).GetProperty("action").GetString()));
        // What a 5xx would have hidden behind a status: an exception the host caught, or events a grain failed to apply.
        Assert.DoesNotContain("An unhandled exception has occurred", fixture.Silo.Log);
        Assert.DoesNotContain("were not applied", fixture.Silo.Log);
        Assert.True(_statuses.Keys.Count(s => s.StartsWith("POST 202", StringComparison.Ordinal) || s.StartsWith("POST 400", StringComparison.Ordinal)) == 2,
            "the posts reach too few outcomes");
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private async Task<HttpResponseMessage> Send(string what, HttpRequestMessage request)
    {
        var response = await _http.SendAsync(request);
        var status = (int)response.StatusCode;
        var key = $"{what} {status}";
        _statuses[key] = _statuses.GetValueOrDefault(key) + 1;
        Assert.True(status < 500, $"{what} answered {status}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    // --- POST /v1/events ---

    /// <param name="Events">How many events the body holds, by the API's definition; null when it is neither a JSON array nor JSON Lines.</param>
    /// <param name="Parts">The generated events in the body's order, when it was built from them.</param>
    /// <param name="Lines">Whether the body is JSON Lines (each line under the line limit), not an array.</param>
    private sealed record Post(byte[] Body, string? ContentType, int? Events, HostileEvent[] Parts, bool Lines)
    {
        public override string ToString() => $"Content-Type: {ContentType ?? "(none)"}\n{HostileJson.Show(Body)}";
    }

    private static readonly Gen<string?> ContentTypes = Gen.OneOf<string?>(
        "application/json", "application/x-ndjson", "application/json", "application/x-ndjson", null, "text/plain",
        "application/octet-stream", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
        "garbage/;;;=", "");

    private static readonly Gen<Post> Posts = Gen.Frequency(
        // A JSON array of hostile events; one value that is not JSON makes the whole body a bad request.
        (4, Gen.Select(HostileEvents.Event.Array[0, 12], Gen.OneOf(",", " , ", ",\n", ",\r\n\t"), ContentTypes, (parts, comma, type) =>
            new Post(Encoding.UTF8.GetBytes("[").Concat(Join(parts.Select(p => p.Utf8), Encoding.UTF8.GetBytes(comma))).Append((byte)']').ToArray(),
                type, parts.Any(p => p.BreaksJson) ? null : parts.Length, parts, Lines: false))),
        // JSON Lines of hostile events, with blank lines between some; every line is read on its own.
        (4, Gen.Select(HostileEvents.Event.Array[0, 12], Gen.OneOf("\n", "\r\n", "\n \t\r\n", "\n\n"), ContentTypes, (parts, newline, type) =>
            new Post(Join(parts.Select(p => p.Utf8), Encoding.UTF8.GetBytes(newline)).ToArray(), type, parts.Length, parts, Lines: true))),
        // JSON Lines of random objects with the contract's keys.
        (1, Gen.Select(HostileJson.Tree.Array[1, 8], ContentTypes, (lines, type) => Unstructured(Encoding.UTF8.GetBytes(string.Join('\n', lines)), type))),
        // Bytes with no structure at all.
        (2, Gen.Select(Gen.Frequency((1, HostileJson.Bytes), (2, HostileJson.Soup)), ContentTypes, Unstructured)),
        // Bodies at the edges: empty, blank, not an array, too many events, a byte-order mark.
        (1, Gen.Select(Gen.OneOf(
                "", " \n\t\r\n", "{}", "[]", "[{}]", "[[]]", "null", "\"x\"", "123", "[", "{", "\ufeff[]", "[null,1,\"a\",{}]",
                "[" + string.Join(',', Enumerable.Repeat("{}", MaxEvents + 1)) + "]",
                string.Join('\n', Enumerable.Range(0, MaxEvents + 5).Select(i => $$"""{"ts":"{{HostileEvents.ValidTs}}","account":"fz-many-{{i}}","ip":"10.0.0.1"}"""))),
            ContentTypes, (body, type) => Unstructured(Encoding.UTF8.GetBytes(body), type))));

    private static Post Unstructured(byte[] body, string? type) => new(body, type, EventsIn(body), [], Lines: false);

    private static IEnumerable<byte> Join(IEnumerable<byte[]> parts, byte[] separator) =>
        parts.SelectMany((part, i) => i == 0 ? part : separator.Concat(part));

    /// <summary>
    /// The API's contract for a body, read independently of it: after blanks, '[' opens a JSON array (its elements are the
    /// events), '{' opens JSON Lines (its non-blank lines are), and anything else is no body of events.
    /// </summary>
    private static int? EventsIn(byte[] body)
    {
        var text = body.AsSpan().TrimStart(" \t\r\n"u8);
        if (text.IsEmpty) return 0;
        if (text[0] == (byte)'[')
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.GetArrayLength() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        if (text[0] != (byte)'{') return null;
        return Encoding.Latin1.GetString(body).Split('\n').Count(line => line.Trim(' ', '\t', '\r').Length > 0);
    }

    private async Task Check(Post post)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new ByteArrayContent(post.Body) };
        if (post.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", post.ContentType);
        var response = await Send("POST", request);
        var status = response.StatusCode;
        // The limiter may refuse a burst as a whole; what matters is that it is not an error.
        if (status == HttpStatusCode.TooManyRequests) return;

        if (post.Events is not { } n)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            return;
        }
        if (n > MaxEvents)
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            return;
        }
        Assert.Equal(HttpStatusCode.Accepted, status);
        var receipt = await Json(response);
        var accepted = receipt.GetProperty("accepted").GetInt32();
        var rejected = receipt.GetProperty("rejected").GetInt32();
        var rejections = receipt.GetProperty("rejections").EnumerateArray()
            .Select(r => (Index: r.GetProperty("index").GetInt32(), Reason: r.GetProperty("reason").GetString()!)).ToArray();
        Assert.Equal(n, accepted + rejected);
        Assert.Equal(rejected, rejections.Length);
        Assert.Equal(rejections.Length, rejections.Select(r => r.Index).Distinct().Count());
        Assert.All(rejections, r =>
        {
            Assert.InRange(r.Index, 0, n - 1);
            Assert.False(string.IsNullOrWhiteSpace(r.Reason));
            Assert.False(r.Reason.StartsWith("not applied", StringComparison.Ordinal), r.Reason);
        });

        // Built from events that know their outcome: the refused are refused, and of the valid ones the silo applies
        // those with an address and refuses the rest by their ip. A line has a length limit that an array's element has not.
        var limit = post.Lines ? EventReader.MaxLineBytes : int.MaxValue;
        var refused = rejections.ToDictionary(r => r.Index, r => r.Reason);
        for (var i = 0; i < post.Parts.Length; i++)
        {
            var part = post.Parts[i];
            if (part.MustBeRefused(limit)) Assert.True(refused.ContainsKey(i), $"event {i} was accepted, but {part.Faults} is at fault: {part}");
            if (!part.MustBeAccepted(limit) || part.TextOf("ip") is not { } ip) continue;
            if (GrainKeys.NormalizeIp(ip) is null) Assert.StartsWith("ip:", refused.GetValueOrDefault(i) ?? $"event {i} was accepted");
            // An account that has had more ids than it remembers refuses an unknown one from no later than those.
            else if (refused.GetValueOrDefault(i) is { } reason) Assert.StartsWith("id: older than the account's de-duplication window", reason);
        }
    }

    // --- GET /v1/authz and /v1/decision ---

    /// <param name="Decides">Whether the identifiers are well-formed, so the answer must be a decision.</param>
    private sealed record Request(string Path, (string Name, string Value)[] Headers, bool Decides)
    {
        public override string ToString() =>
            $"{Path}\n{string.Join('\n', Headers.Select(h => $"{h.Name}: {(h.Value.Length > 80 ? h.Value[..80] + $"... ({h.Value.Length})" : h.Value)}"))}";
    }

    private static readonly Gen<string> Word = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_."].Array[1, 20].Select(a => "fz-" + new string(a));

    /// <summary>Header values: well-formed, blank, too long for the contract or for Kestrel, not ASCII, control characters, lists.</summary>
    private static Gen<(string Value, bool WellFormed)> HeaderValue(Gen<string> ordinary) => Gen.Frequency(
        (4, ordinary.Select(v => (v, true))),
        (2, Gen.OneOf("", " ", "\t", new string('a', 513), new string('a', 10_000), new string('a', 40_000), "é", "账户", "💥", "\ud800",
            "a\u0001b", "\u007f", ",", "a,b", "\"a\"", "=?utf-8?q?a?=").Select(v => (v, false))),
        (1, HostileJson.Text.Where(t => !t.Contains('\r') && !t.Contains('\n') && !t.Contains('\0')).Select(v => (v, false))));

    private static readonly Gen<string> Address = HostileEvents.Ip.Where(ip => GrainKeys.NormalizeIp(ip) is not null);

    private static readonly Gen<Request> AuthzRequests = Gen.Select(
        Gen.Frequency((1, Gen.Const(((string, bool)?)null)), (6, HeaderValue(Word).Select(v => ((string, bool)?)v))),
        Gen.Frequency((2, Gen.Const(((string, bool)?)null)), (4, HeaderValue(Address).Select(v => ((string, bool)?)v)),
            (1, Gen.OneOf("1.2.3.4, 10.0.0.1", ",", " , 1.2.3.4", "[::1]", "::ffff:1.2.3.4, x").Select(v => ((string, bool)?)(v, false)))),
        Gen.Frequency((3, Gen.Const(((string, bool)?)null)), (1, HeaderValue(Address).Select(v => ((string, bool)?)v))),
        Gen.Frequency((2, Gen.Const(((string, bool)?)null)), (1, HeaderValue(Word).Select(v => ((string, bool)?)v))),
        Gen.Frequency((6, Gen.Const((string?)null)), (1, Gen.OneOf("Bearer x", "Basic YTpi", "Bearer " + new string('k', 5000), "bearer", "\u00ff").Select(v => (string?)v))),
        (account, forwarded, realIp, proxy, authorization) =>
        {
            var headers = new List<(string, string)>();
            if (account is { } a) headers.Add(("X-Risk-Account", a.Item1));
            if (forwarded is { } f) headers.Add(("X-Forwarded-For", f.Item1));
            if (realIp is { } r) headers.Add(("X-Real-IP", r.Item1));
            if (proxy is { } p) headers.Add(("X-Risk-Proxy", p.Item1));
            if (authorization is { } auth) headers.Add(("Authorization", auth));
            // A key the API does not hold is no matter when it takes none, but a header that is not ASCII spoils the whole request.
            var decides = account is (_, true) && forwarded is null or (_, true) && realIp is null or (_, true) && proxy is null or (_, true)
                && (authorization is null || authorization.All(char.IsAscii));
            return new Request("/v1/authz", [.. headers], decides);
        });

    private static readonly Gen<string> PercentEncoded = Gen.Frequency(
        (1, Gen.Byte.Array[0, 40].Select(bytes => string.Concat(bytes.Select(b => $"%{b:X2}")))),
        (1, Gen.OneOf("%", "%zz", "%e", "%ED%A0%80", "%C0%80", "%00", "+", "&", "=", "a=b", "%26account%3Dx")));

    private static readonly Gen<Request> DecisionRequests = Gen.Select(
        Gen.Frequency((1, Gen.Const(((string, bool)?)null)), (4, Word.Select(w => ((string, bool)?)(w, true))),
            (2, PercentEncoded.Select(v => ((string, bool)?)(v, false))), (1, Gen.OneOf(new string('a', 513), new string('a', 5000)).Select(v => ((string, bool)?)(v, false)))),
        Gen.Frequency((2, Gen.Const(((string, bool)?)null)), (3, Address.Select(ip => ((string, bool)?)(Uri.EscapeDataString(ip), true))),
            (2, PercentEncoded.Select(v => ((string, bool)?)(v, false)))),
        Gen.Frequency((3, Gen.Const(((string, bool)?)null)), (1, Word.Select(w => ((string, bool)?)(w, true))), (1, PercentEncoded.Select(v => ((string, bool)?)(v, false)))),
        Gen.Bool,
        (account, ip, proxy, repeat) =>
        {
            var query = new List<string>();
            if (account is { } a) query.Add($"account={a.Item1}");
            if (ip is { } i) query.Add($"ip={i.Item1}");
            if (proxy is { } p) query.Add($"proxy={p.Item1}");
            // A parameter given twice is not a well-formed request.
            if (repeat && account is not null) query.Add("account=fz-twice");
            var decides = !repeat && account is (_, true) && ip is null or (_, true) && proxy is null or (_, true);
            return new Request($"/v1/decision?{string.Join('&', query)}", [], decides);
        });

    private async Task Check(Request request)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, request.Path);
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        var what = request.Path.StartsWith("/v1/authz", StringComparison.Ordinal) ? "authz" : "decision";
        var response = await Send(what, message);
        if (!request.Decides) return;
        // Well-formed identifiers always get a decision: 200 with a body for /v1/decision, 200, 403 or 429 for /v1/authz.
        if (what == "decision")
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(string.IsNullOrEmpty((await Json(response)).GetProperty("action").GetString()));
        }
        else
        {
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests });
            Assert.True(response.Headers.Contains("X-Risk-Action"), "a decision without its action");
        }
    }
}
