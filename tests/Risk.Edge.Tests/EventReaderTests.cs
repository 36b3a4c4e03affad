using System.Text;
using Risk.Edge;
using Risk.Contracts;

namespace Risk.Edge.Tests;

public class EventReaderTests
{
    private static readonly DateTime Now = new(2026, 3, 9, 0, 0, 0, DateTimeKind.Utc);

    private static ParsedEvent Parse(string json) => EventReader.Parse(Encoding.UTF8.GetBytes(json), Now);

    [Fact]
    public void A_full_event_is_read_and_its_prompt_becomes_features()
    {
        var parsed = Parse("""
            {"ts":"2026-03-02T10:15:00.250Z","account":"acct-1","ip":"2001:DB8:0:0:0:0:0:1","proxy":"relay:x","asn":64500,
             "ja4":"t13d1516h2_8daaf6152771_02713d6af862","payment":"pm_1","tier":"edu","accountCreated":"2026-02-27T00:00:00Z",
             "model":"model-a","prompt":"Think step by step and show your reasoning.","inTokens":12,"outTokens":900,"extra":{"ignored":true},
             "id":"evt-0001"}
            """);
        var e = Assert.IsType<RiskEvent>(parsed.Event);
        Assert.Null(parsed.Error);
        Assert.Equal(new DateTime(2026, 3, 2, 10, 15, 0, 250, DateTimeKind.Utc), e.Ts);
        Assert.Equal(DateTimeKind.Utc, e.Ts.Kind);
        Assert.Equal(AccountTier.Edu, e.Tier);
        Assert.Equal(64500, e.Asn);
        Assert.True(e.Prompt!.Kinds.HasFlag(PromptKinds.ChainOfThought));
        Assert.Equal(43, e.Prompt.Length);
        Assert.Equal((12, 900), (e.InTokens, e.OutTokens));
        Assert.Equal("evt-0001", e.Id);
    }

    [Theory]
    [InlineData(""" "id":42 """, "id: expected a string")]
    [InlineData(""" "id":"" """, "id: empty")]
    public void An_id_that_is_not_a_usable_string_is_refused(string field, string reason)
    {
        var parsed = Parse($$"""{"ts":"2026-03-02T10:15:00Z","account":"a","ip":"192.0.2.1",{{field}}}""");
        Assert.Null(parsed.Event);
        Assert.Equal(reason, parsed.Error);
        Assert.StartsWith("id: longer than 512", Parse($$"""{"ts":"2026-03-02T10:15:00Z","account":"a","ip":"192.0.2.1","id":"{{new string('x', 513)}}"}""").Error);
    }

    [Fact]
    public void An_event_ahead_of_the_clock_by_more_than_five_minutes_is_refused()
    {
        Assert.NotNull(Parse("""{"ts":"2026-03-09T00:04:00Z","account":"a","ip":"192.0.2.1"}""").Event);
        Assert.StartsWith("ts: 2026-03-09T00:06:00", Parse("""{"ts":"2026-03-09T00:06:00Z","account":"a","ip":"192.0.2.1"}""").Error);
        Assert.StartsWith("ts:", Parse("""{"ts":"2026-03-09T23:00:00Z","account":"a","ip":"192.0.2.1"}""").Error);
    }

    [Fact]
    public void An_offset_time_is_converted_to_utc()
    {
        var e = Parse("""{"ts":"2026-03-02T12:00:00+02:00","account":"a","ip":"10.0.0.1"}""").Event!;
        Assert.Equal(new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), e.Ts);
    }

    [Theory]
    [InlineData("""{"account":"a","ip":"10.0.0.1"}""", "ts:")]
    [InlineData("""{"ts":"yesterday","account":"a","ip":"10.0.0.1"}""", "ts:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00","account":"a","ip":"10.0.0.1"}""", "ts:")]
    [InlineData("""{"ts":"2026-03-12T10:00:00Z","account":"a","ip":"10.0.0.1"}""", "ts:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","ip":"10.0.0.1"}""", "account:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","account":42,"ip":"10.0.0.1"}""", "account:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","account":"a"}""", "ip:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","account":"a","ip":"10.0.0.1","asn":"AS1"}""", "asn:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","account":"a","ip":"10.0.0.1","inTokens":1.5}""", "inTokens:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","account":"a","ip":"10.0.0.1","tier":"gold"}""", "tier:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","account":"a","ip":"10.0.0.1","outTokens":-3}""", "inTokens/outTokens:")]
    [InlineData("""[1,2]""", "event:")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","account":"a",""", "json:")]
    public void A_malformed_event_is_refused_with_the_field_at_fault(string json, string reasonStart)
    {
        var parsed = Parse(json);
        Assert.Null(parsed.Event);
        Assert.StartsWith(reasonStart, parsed.Error);
    }

    [Fact]
    public void Strings_over_512_characters_are_refused_but_long_prompts_are_not()
    {
        var longAccount = Parse($$"""{"ts":"2026-03-02T10:00:00Z","account":"{{new string('a', 513)}}","ip":"10.0.0.1"}""");
        Assert.StartsWith("account: longer than 512", longAccount.Error);
        var longPrompt = Parse($$"""{"ts":"2026-03-02T10:00:00Z","account":"a","ip":"10.0.0.1","prompt":"{{new string('p', 5000)}}"}""");
        Assert.NotNull(longPrompt.Event);
    }

    [Fact]
    public void An_oversized_line_is_refused_without_being_parsed()
    {
        var parsed = EventReader.Parse(new byte[EventReader.MaxLineBytes + 1], Now);
        Assert.StartsWith("event: longer than", parsed.Error);
    }

    [Fact]
    public void The_ip_is_left_as_written_for_the_silo_to_put_in_canonical_form_once()
    {
        // The gateway checks that an address is there; ingest parses each distinct one once, and refuses a bad one by index.
        Assert.Equal("2001:DB8::1", Parse("""{"ts":"2026-03-02T10:00:00Z","account":"a","ip":"2001:DB8::1"}""").Event!.Ip);
        Assert.NotNull(Parse("""{"ts":"2026-03-02T10:00:00Z","account":"a","ip":"10.1"}""").Event);
    }

    [Theory]
    [InlineData("account")]
    [InlineData("ip")]
    [InlineData("proxy")]
    [InlineData("ja4")]
    [InlineData("payment")]
    [InlineData("model")]
    [InlineData("prompt")]
    [InlineData("ts")]
    public void A_lone_surrogate_in_any_string_field_is_refused_by_that_field(string field)
    {
        var fields = new Dictionary<string, string>
        {
            ["ts"] = "\"2026-03-02T10:00:00Z\"", ["account"] = "\"acct\"", ["ip"] = "\"198.51.100.4\"",
        };
        fields[field] = "\"a\\ud800b\"";
        var parsed = Parse("{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}");
        Assert.Null(parsed.Event);
        Assert.Equal($"{field}: not valid Unicode text", parsed.Error);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused_by_the_field_they_are_in()
    {
        var json = """{"ts":"2026-03-02T10:00:00Z","account":"acct","ip":"198.51.100.4"}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        bytes[json.IndexOf("acct", StringComparison.Ordinal) + 1] = 0xFF;
        var parsed = EventReader.Parse(bytes, Now);
        Assert.Null(parsed.Event);
        Assert.True(parsed.Error is "account: not valid Unicode text" || parsed.Error!.StartsWith("json:"), parsed.Error);
    }

    [Theory]
    [InlineData("""{"\ud800":1,"ts":"2026-03-02T10:00:00Z","account":"a","ip":"10.0.0.1"}""")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","account":"a","ip":"10.0.0.1","\udc00":1}""")]
    [InlineData("""{"ts":"2026-03-02T10:00:00Z","\ud800\ud800":[],"account":"a","ip":"10.0.0.1","x\udfff":"y"}""")]
    public void A_key_escaped_as_a_lone_surrogate_is_ignored_like_any_unknown_key_wherever_it_sits(string json)
    {
        var parsed = Parse(json);
        Assert.Null(parsed.Error);
        Assert.Equal(("a", "10.0.0.1"), (parsed.Event!.Account, parsed.Event.Ip));
    }

    [Fact]
    public void Beside_a_key_that_is_not_text_a_repeated_field_still_takes_its_last_value()
    {
        var parsed = Parse("""{"ts":"2026-03-02T10:00:00Z","account":"first","ip":"10.0.0.1","account":"last","\ud800":1}""");
        Assert.Equal("last", parsed.Event!.Account);
    }
}
