using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Risk.Contracts;

namespace Risk.Edge.Tests;

public class EventBatchTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);

    private static readonly RiskEvent[] Events =
    [
        new(T0, "acct-1", "192.0.2.1", "relay:x", 64500, "t13d1516h2_8daaf6152771_02713d6af862", "pm_1", AccountTier.Edu,
            T0.AddDays(-3), "model-a", new PromptSignals(PromptKinds.ChainOfThought | PromptKinds.Coding, 0xDEADBEEF, 43, 0x1F_FFFF_0000_0001), 12, 900),
        new(T0.AddSeconds(1), "acct-2", "192.0.2.1"),
        new(T0.AddSeconds(2), "acct-1", "2001:db8::1", Asn: 0, Model: "model-a", Prompt: new PromptSignals(PromptKinds.None, 0, 0)),
        new(T0.AddSeconds(3), "acct-2", "192.0.2.1", "relay:x", InTokens: 5),
    ];

    [Fact]
    public void Every_field_of_every_event_survives_the_batch_and_the_wire()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var batch = serializer.Deserialize<EventBatch>(serializer.SerializeToArray(EventBatch.Of(Events)))!;

        Assert.Equal(Events.Length, batch.Count);
        for (var i = 0; i < Events.Length; i++)
        {
            Assert.Null(EventRules.Check(batch, i, T0, Events[i].Ip));
            Assert.Equal(Events[i], Read(batch, i));
        }
        // No prompt and an empty prompt stay apart; a null ASN and ASN 0 too.
        Assert.Null(Read(batch, 1).Prompt);
        Assert.NotNull(Read(batch, 2).Prompt);
        Assert.Null(Read(batch, 1).Asn);
        Assert.Equal(0, Read(batch, 2).Asn);
    }

    [Fact]
    public void Each_distinct_string_crosses_once_and_events_share_it()
    {
        var batch = EventBatch.Of(Events);

        // null, acct-1, 192.0.2.1, relay:x, the JA4, pm_1, model-a, acct-2, 2001:db8::1
        Assert.Equal(9, batch.Strings.Length);
        Assert.Same(Read(batch, 0).Account, Read(batch, 2).Account);
        Assert.Same(batch.Strings[batch.Rows[0].Ip], batch.Strings[batch.Rows[3].Ip]);
    }

    [Fact]
    public void A_row_that_points_outside_its_batch_is_refused_in_place()
    {
        var batch = EventBatch.Of(Events);
        var rows = batch.Rows.ToArray();
        rows[1] = rows[1] with { Account = 99 };
        rows[2] = rows[2] with { Model = -1 };
        var forged = batch with { Rows = rows };

        Assert.Equal("account: string 99 is not in the batch", EventRules.Check(forged, 1, T0, "192.0.2.1"));
        Assert.Equal("model: string -1 is not in the batch", EventRules.Check(forged, 2, T0, "2001:db8::1"));
        Assert.Null(EventRules.Check(forged, 3, T0, "192.0.2.1"));
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("999.0.0.1")]
    [InlineData("not-an-ip")]
    public void A_row_whose_ip_is_not_an_address_is_refused_by_the_silo(string ip)
    {
        var batch = EventBatch.Of([new RiskEvent(T0, "a", ip)]);
        Assert.Null(GrainKeys.NormalizeIp(ip));
        Assert.Equal("ip: not an IPv4 or IPv6 address", EventRules.Check(batch, 0, T0, GrainKeys.NormalizeIp(ip)));
    }

    /// <summary>A valid row as ingest reads it: its IP as the sender wrote it (already canonical here).</summary>
    private static RiskEvent Read(EventBatch batch, int i) => batch.ToEvent(i, batch.Strings[batch.Rows[i].Ip]!);

    [Fact]
    public void A_null_event_is_refused_by_the_sender()
    {
        var e = Assert.Throws<ArgumentException>(() => EventBatch.Of([Events[0], null!]));
        Assert.Contains("event 1", e.Message);
    }
}
