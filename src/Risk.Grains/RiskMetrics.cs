using System.Diagnostics.Metrics;

namespace Risk.Grains;

/// <summary>The silo's OpenTelemetry instruments (meter "Risk").</summary>
public static class RiskMetrics
{
    public const string MeterName = "Risk";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> EventsAccepted = Meter.CreateCounter<long>("risk.events.accepted", "{event}", "Events applied to entity grains");
    public static readonly Counter<long> EventsRejected = Meter.CreateCounter<long>("risk.events.rejected", "{event}", "Events refused, tagged by the field at fault");
    public static readonly Counter<long> EventsSkipped = Meter.CreateCounter<long>("risk.events.skipped", "{event}", "Events an entity did not apply again because of their id, tagged by entity (account, ip, proxy) and why (duplicate: applied before; forgotten: older than its de-duplication window)");
    public static readonly Counter<long> HttpEvents = Meter.CreateCounter<long>("risk.http.events", "{event}", "Events posted over HTTP, tagged by the posting key's name and the outcome (accepted, rejected): a misbehaving gateway shows here");
    public static readonly Counter<long> HttpRateLimited = Meter.CreateCounter<long>("risk.http.rate_limited", "{request}", "Requests to POST /v1/events refused with 429, tagged by the key's name");
    public static readonly Counter<long> Decisions = Meter.CreateCounter<long>("risk.decisions", "{decision}", "Decisions answered, tagged by action");
    public static readonly Counter<long> ClusterPushes = Meter.CreateCounter<long>("risk.cluster.pushes", "{message}", "Cluster risk pushed back to members");
    public static readonly Counter<long> StateWrites = Meter.CreateCounter<long>("risk.state.writes", "{write}", "Entity state checkpoints written behind, by why: timer, crowded (the changes kept for reconciling reached half their limit) or deactivation");
    public static readonly Counter<long> StateReadsSkipped = Meter.CreateCounter<long>("risk.state.reads.skipped", "{read}", "Activations that skipped the storage read: the stored-keys filter had never seen the key");
    public static readonly Counter<long> StateConflicts = Meter.CreateCounter<long>("risk.state.conflicts", "{write}", "Writes refused because storage held a record the activation had not read, by outcome: reconciled (its changes since its last write applied over the record) or dropped (the record won)");
    public static readonly Counter<long> StateWritesDeferred = Meter.CreateCounter<long>("risk.state.writes.deferred", "{write}", "Checkpoints put off to the next interval by the silo's write budget");
    public static readonly Counter<long> StateWriteFailures = Meter.CreateCounter<long>("risk.state.write_failures", "{write}", "Checkpoints and write-throughs that storage failed or, while it was away, refused untried, tagged by grain kind; a failed checkpoint stays dirty and is tried again within an interval");
    // An up-down counter, not an observable gauge: every grain adds or takes one as it turns dirty or clean, so
    // nothing has to walk the activations to count them.
    public static readonly UpDownCounter<long> StateDirty = Meter.CreateUpDownCounter<long>("risk.state.dirty", "{grain}", "Activations holding changes not yet written to storage, tagged by grain kind (with memory storage, every changed activation: it writes only on deactivation)");
    public static readonly UpDownCounter<double> StateBacklog = Meter.CreateUpDownCounter<double>("risk.state.backlog", "s", "How long the silo's write budget needs to write every checkpoint it has put off: how far rolling state on storage lags behind beyond the checkpoint interval");
}
