using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using CsCheck;
using Risk.Contracts;
using Risk.Tests.Fuzz;
using Xunit.Abstractions;

namespace Risk.Edge.Tests;

/// <summary>
/// The event reader against hostile input: whatever arrives, it does not throw, and each input is one event or one
/// refusal whose reason names the field at fault.
/// </summary>
public class EventReaderFuzzTests(ITestOutputHelper output)
{
    private static readonly DateTime Now = new(2026, 3, 9, 0, 0, 0, DateTimeKind.Utc);
    private const int Max = EventReader.MaxLineBytes;

    /// <summary>What each input came to: "accepted", or the field its refusal named. Printed so a reader sees the generators reach both.</summary>
    private readonly ConcurrentDictionary<string, int> _outcomes = new();

    [Fact]
    public void Random_bytes_are_read_without_throwing_into_one_event_or_one_refusal_naming_a_field()
    {
        var gen = Gen.Frequency((1, HostileJson.Bytes), (2, HostileJson.Soup));
        Run(gen, bytes => AssertOneOutcome(bytes, EventReader.Parse(bytes, Now)), iter: 20_000, HostileJson.Show);
    }

    [Fact]
    public void Random_json_objects_with_the_contracts_keys_are_read_into_one_event_or_one_refusal_naming_a_field()
    {
        Run(HostileJson.Tree.Select(Encoding.UTF8.GetBytes), bytes => AssertOneOutcome(bytes, EventReader.Parse(bytes, Now)), iter: 10_000,
            HostileJson.Show);
    }

    [Fact]
    public void Mutated_events_are_accepted_or_refused_as_their_fields_call_for_and_a_refusal_names_a_field_at_fault()
    {
        Run(HostileEvents.Event, e =>
        {
            var parsed = EventReader.Parse(e.Utf8, Now);
            AssertOneOutcome(e.Utf8, parsed);
            if (e.MustBeAccepted(Max)) Assert.True(parsed.Event is not null, $"refused: {parsed.Error}");
            if (e.MustBeRefused(Max)) Assert.True(parsed.Event is null, "accepted, but a field is at fault");
            if (parsed.Error is { } reason)
                Assert.True(FieldsNamed(reason).Any(f => e.MayBlame(f, Max)), $"'{reason}' does not name a field at fault");
        }, iter: 10_000, e => e.ToString());
    }

    [Fact]
    public void An_event_reads_the_same_as_a_json_line_and_as_an_element_of_a_posted_array()
    {
        // POST /v1/events reads JSON Lines through the line reader and an array through the element reader.
        Run(HostileEvents.Event.Where(e => !e.TooLong(Max) && !e.BreaksJson), e =>
        {
            var line = EventReader.Parse(e.Utf8, Now);
            using var array = JsonDocument.Parse((byte[])[.. "["u8, .. e.Utf8, .. "]"u8]);
            var element = EventReader.Parse(array.RootElement[0], Now);
            Assert.Equal(line, element);
        }, iter: 5_000, e => e.ToString());
    }

    private void Run<T>(Gen<T> gen, Action<T> assert, int iter, Func<T, string> print)
    {
        var tried = 0;
        var started = DateTime.UtcNow;
        gen.Sample(input =>
        {
            Interlocked.Increment(ref tried);
            assert(input);
        }, iter: iter, print: print);
        output.WriteLine($"{tried} inputs in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        output.WriteLine(string.Join(", ", _outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key}: {o.Value}")));
        Assert.True(tried > 0);
    }

    /// <summary>Exactly one of an event and a refusal; a refusal names a field (of the contract or of the input), never a stray exception.</summary>
    private void AssertOneOutcome(byte[] input, ParsedEvent parsed)
    {
        if (parsed.Event is { } e)
        {
            Assert.Null(parsed.Error);
            AssertValid(e);
            _outcomes.AddOrUpdate("accepted", 1, (_, n) => n + 1);
            return;
        }
        var reason = parsed.Error;
        Assert.False(string.IsNullOrWhiteSpace(reason), "neither an event nor a reason");
        // The catch-all for exceptions no field rule foresaw: the event is refused, but nobody learns which field did it.
        Assert.DoesNotContain("could not be read", reason);
        var fields = FieldsNamed(reason);
        var keys = KeysOf(input);
        Assert.True(fields.Any(f => f is "event" or "json" || HostileJson.ContractFields.Contains(f) || keys.Contains(f)),
            $"'{reason}' names no field");
        _outcomes.AddOrUpdate(fields[0], 1, (_, n) => n + 1);
    }

    /// <summary>What an accepted event must be: within the contract, and its strings are text.</summary>
    private static void AssertValid(RiskEvent e)
    {
        Assert.Null(ContractInvariants.Violation(e, Now));
        foreach (var s in new[] { e.Account, e.Ip, e.Proxy, e.Ja4, e.Payment, e.Model })
            if (s is not null) Assert.True(HostileJson.IsWellFormed(s), "a string that is not text was accepted");
    }

    /// <summary>The fields a reason names: "ts: ..." names ts, "inTokens/outTokens: ..." names both.</summary>
    private static string[] FieldsNamed(string reason) => reason.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon
        ? reason[..colon].Split('/')
        : [];

    /// <summary>The input's top-level keys, if it is a JSON object at all.</summary>
    private static HashSet<string> KeysOf(byte[] input)
    {
        try
        {
            using var doc = JsonDocument.Parse(input);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? [.. doc.RootElement.EnumerateObject().Select(p => p.Name)] : [];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return [];
        }
    }
}
