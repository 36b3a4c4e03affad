using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Risk.Contracts;

namespace Risk.Client.Tests;

public class EventBatchTests
{
    private static readonly DateTime T0 = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);

    private static readonly RiskEvent[] Events =
    [
        new(T0, "acct-1", "192.0.2.1", "relay:x", 64500, "t13d1516h2_8daaf6152771_02713d6af862", "pm_1", AccountTier.Edu,
            T0.AddDays(-3), "model-a", new PromptSignals(PromptKinds.ChainOfThought | PromptKinds.Coding, 0xDEADBEEF, 43), 12, 900),
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
            Assert.Equal(Events[i], batch.Event(i, out var problem));
            Assert.Null(problem);
        }
        // No prompt and an empty prompt stay apart; a null ASN and ASN 0 too.
        Assert.Null(batch.Event(1, out _)!.Prompt);
        Assert.NotNull(batch.Event(2, out _)!.Prompt);
        Assert.Null(batch.Event(1, out _)!.Asn);
        Assert.Equal(0, batch.Event(2, out _)!.Asn);
    }

    [Fact]
    public void Each_distinct_string_crosses_once_and_events_share_it()
    {
        var batch = EventBatch.Of(Events);

        // null, acct-1, 192.0.2.1, relay:x, the JA4, pm_1, model-a, acct-2, 2001:db8::1
        Assert.Equal(9, batch.Strings.Length);
        Assert.Same(batch.Event(0, out _)!.Account, batch.Event(2, out _)!.Account);
        Assert.Same(batch.Event(0, out _)!.Ip, batch.Event(3, out _)!.Ip);
    }

    [Fact]
    public void A_null_event_is_refused_by_the_sender()
    {
        var e = Assert.Throws<ArgumentException>(() => EventBatch.Of([Events[0], null!]));
        Assert.Contains("event 1", e.Message);
    }
}
