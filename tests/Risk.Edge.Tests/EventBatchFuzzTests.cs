using System.Collections.Concurrent;
using CsCheck;
using Risk.Contracts;
using Risk.Tests.Fuzz;
using Xunit.Abstractions;

namespace Risk.Edge.Tests;

/// <summary>
/// The batch decoder as the silo runs it on every row, against batches it must not trust: the check never throws,
/// and decides a row exactly as the same event's object would be decided.
/// </summary>
public class EventBatchFuzzTests(ITestOutputHelper output)
{
    private static readonly DateTime Now = new(2026, 3, 9, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Accounts = ["fz-a", "fz-b", "fz-c"];
    private static readonly string[] Fields = ["account", "ip", "proxy", "ja4", "payment", "model"];

    [Fact]
    public void Every_row_of_a_hostile_batch_is_refused_with_a_reason_or_becomes_an_event_that_passes_the_contract()
    {
        var (batches, rows) = (0, 0);
        var outcomes = new ConcurrentDictionary<string, int>();
        var started = DateTime.UtcNow;
        HostileBatches.Batch(() => Now, Accounts).Sample(batch =>
        {
            Interlocked.Increment(ref batches);
            for (var i = 0; i < batch.Count; i++)
            {
                Interlocked.Increment(ref rows);
                var outcome = CheckRow(batch, i);
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }, iter: 4_000, print: HostileBatches.Show);
        output.WriteLine($"{batches} batches, {rows} rows in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key}: {o.Value}")));
        Assert.True(outcomes.ContainsKey("accepted") && outcomes.Count > 5, "the generator reaches too few outcomes");
    }

    /// <returns>"accepted", or the field the refusal named.</returns>
    private static string CheckRow(EventBatch batch, int i)
    {
        var row = batch.Rows[i];
        // Ingest parses each address once, with the same function; it must take any string.
        var ip = HostileBatches.CanonicalIp(batch, i);
        var reason = EventRules.Check(batch, i, Now, ip);
        if (reason is null)
        {
            var e = batch.ToEvent(i, ip!);
            Assert.Null(ContractInvariants.Violation(e, Now));
            Assert.Null(EventRules.Check(e, Now));
            // The keys ingest makes for the row's grains; bounded whatever the strings were.
            foreach (var key in new[] { GrainKeys.Account(e.Account), GrainKeys.CanonicalIp(ip!), e.Proxy is null ? "" : GrainKeys.Proxy(e.Proxy) })
                Assert.InRange(key.Length, 0, GrainKeys.MaxEncodedLength);
            return "accepted";
        }

        Assert.False(string.IsNullOrWhiteSpace(reason));
        var field = reason[..Math.Max(0, reason.IndexOf(':'))];
        int[] indexes = [row.Account, row.Ip, row.Proxy, row.Ja4, row.Payment, row.Model];
        var outside = Fields.Where((_, f) => indexes[f] != 0 && (uint)indexes[f] >= (uint)(batch.Strings?.Length ?? 0)).ToArray();
        if (outside.Length > 0)
        {
            // The first string that is not in the batch is the one named.
            Assert.Equal($"{outside[0]}: string {indexes[Array.IndexOf(Fields, outside[0])]} is not in the batch", reason);
            return "outside";
        }
        // Every index points into the table: the row is the event it spells, and is refused for what that event would be.
        var raw = row.Ip == 0 ? null : batch.Strings![row.Ip];
        var asEvent = EventRules.Check(batch.ToEvent(i, raw!), Now);
        if (asEvent is null) Assert.Equal("ip: not an IPv4 or IPv6 address", reason);
        else Assert.Equal(asEvent, reason);
        return field;
    }
}
