namespace Risk.Contracts;

/// <summary>One request as an IP or proxy grain needs it: no strings, only what its sketches take.</summary>
/// <param name="Template">The prompt's SimHash, or 0 without a prompt.</param>
/// <param name="Fingerprint">A hash of the client's TLS fingerprint, or 0 without one.</param>
/// <param name="EventId">A hash of the event's id, or 0 without one: a retried event is counted once.</param>
[GenerateSerializer, Immutable, Alias("risk.network-sighting.v1")]
public readonly record struct NetworkSighting(
    [property: Id(0)] DateTime Ts,
    [property: Id(1)] ulong AccountHash,
    [property: Id(2)] bool NewAccount,
    [property: Id(3)] ulong Template = 0,
    [property: Id(4)] ulong Fingerprint = 0,
    [property: Id(5)] ulong EventId = 0);

/// <summary>
/// After a batch, what ingest tells each IP and proxy about the accounts it carried: whether they are flagged (by
/// their own signals, their cluster or a campaign flag, never by network context), and their cluster. This is how
/// a network entity knows the share of its members already flagged.
/// </summary>
/// <param name="Suspect">The account's own signals reach the throttle threshold, with extraction content among them
/// (<c>cluster.link_content_points</c>): at an entity whose traffic is mostly flagged, that is enough to link its
/// cluster, as being flagged is.</param>
[GenerateSerializer, Immutable, Alias("risk.member-status.v1")]
public readonly record struct MemberStatus(
    [property: Id(0)] ulong AccountHash,
    [property: Id(1)] int Requests,
    [property: Id(2)] bool Flagged,
    [property: Id(3)] string? Cluster,
    [property: Id(4)] bool Suspect = false);

/// <summary>What an account grain answers to a batch: its flag (as <see cref="MemberStatus"/> counts it) and its cluster, for the network grains.</summary>
/// <param name="OwnSuspect">Its own signals reach the throttle threshold, with extraction content among them.</param>
/// <param name="Skipped">The batch's events (by position in <see cref="AccountBatch.Events"/>) that were not applied
/// because of their id: applied before (a retry), or too old to tell; null when every event was applied.</param>
[GenerateSerializer, Immutable, Alias("risk.account-status.v1")]
public sealed record AccountStatus(
    [property: Id(0)] bool Flagged,
    [property: Id(1)] string? Cluster,
    [property: Id(2)] bool OwnSuspect = false,
    [property: Id(3)] IReadOnlyList<SkippedEvent>? Skipped = null);

/// <summary>An event an account did not apply because of its id.</summary>
/// <param name="Position">Its position in the account's batch.</param>
/// <param name="Duplicate">True: applied before, so the retry is done. False: older than the account's
/// de-duplication window, so it may have been applied and is refused.</param>
[GenerateSerializer, Immutable, Alias("risk.skipped-event.v1")]
public readonly record struct SkippedEvent([property: Id(0)] int Position, [property: Id(1)] bool Duplicate);

/// <summary>An account's report to its cluster, sent only when its own score or flag changed materially.</summary>
/// <param name="OwnScore">The account's score from its own signals, without anything inherited from the cluster.</param>
/// <param name="FlaggedDelta">+1 when the account's own score newly flags it, −1 when it no longer does, else 0.</param>
/// <param name="Joins">Its first report to this cluster.</param>
/// <param name="PreviousScore">The own score it reported last time, which this one replaces in the cluster's sum.</param>
[GenerateSerializer, Immutable, Alias("risk.member-report.v1")]
public sealed record MemberReport(
    [property: Id(0)] string Account,
    [property: Id(1)] DateTime Ts,
    [property: Id(2)] double OwnScore,
    [property: Id(3)] int FlaggedDelta,
    [property: Id(4)] bool Joins = true,
    [property: Id(5)] double PreviousScore = 0);

/// <summary>A cluster's view as it flows back to its members.</summary>
/// <param name="AsOf">The event time of the cluster's latest report.</param>
[GenerateSerializer, Immutable, Alias("risk.cluster-risk.v1")]
public sealed record ClusterRisk(
    [property: Id(0)] string ClusterId,
    [property: Id(1)] EntityRisk Risk,
    [property: Id(2)] int Members,
    [property: Id(3)] int FlaggedMembers,
    [property: Id(4)] DateTime AsOf);

/// <summary>
/// What ingest hands one account grain: its events from one batch, and the risk of the IP and proxy its
/// latest event came through.
/// </summary>
/// <param name="Launches">Launch times of the launched models among the batch's events.</param>
[GenerateSerializer, Immutable, Alias("risk.account-batch.v1")]
public sealed record AccountBatch(
    [property: Id(0)] IReadOnlyList<RiskEvent> Events,
    [property: Id(1)] EntityRisk? Ip,
    [property: Id(2)] EntityRisk? Proxy,
    [property: Id(3)] IReadOnlyDictionary<string, DateTime>? Launches = null);

/// <summary>What became of a batch: the events applied, and those refused by index.</summary>
/// <param name="Accepted">Events applied, or found applied already (<paramref name="Duplicates"/>).</param>
/// <param name="Duplicates">Events among the accepted that carried an id their account had applied before: a retry
/// that is done, not applied twice.</param>
[GenerateSerializer, Immutable, Alias("risk.ingest-receipt.v1")]
public sealed record IngestReceipt(
    [property: Id(0)] int Accepted,
    [property: Id(1)] IReadOnlyList<Rejection> Rejections,
    [property: Id(2)] int Duplicates = 0);

/// <param name="Index">The event's index in the batch it came in.</param>
[GenerateSerializer, Immutable, Alias("risk.rejection.v1")]
public sealed record Rejection([property: Id(0)] int Index, [property: Id(1)] string Reason);

/// <summary>A cluster's pooled signals, handed to the cluster it joins when two merge.</summary>
[GenerateSerializer, Immutable, Alias("risk.cluster-summary.v1")]
public sealed record ClusterSummary(
    [property: Id(0)] string ClusterId,
    [property: Id(1)] byte[] MemberRegisters,
    [property: Id(2)] int FlaggedMembers,
    [property: Id(3)] double ScoreSum,
    [property: Id(4)] double Reporters,
    [property: Id(5)] DateTime At,
    [property: Id(6)] IReadOnlyList<string> RecentMembers);

/// <summary>An account's report to its creation cohort (<see cref="ICohortGrain"/>), sent only when it changed materially.</summary>
/// <param name="FlaggedDelta">+1 when the account newly counts as flagged there, −1 when it no longer does (or left), else 0.</param>
/// <param name="Linkable">Flagged, or suspect on its own signals: its cluster may be linked where the cohort is mostly flagged.</param>
/// <param name="Cluster">Its cluster while linkable; when it stops being linkable, the cluster it offered before, which the
/// cohort takes back if it is still waiting to be linked.</param>
[GenerateSerializer, Immutable, Alias("risk.cohort-report")]
public sealed record CohortReport(
    [property: Id(0)] ulong AccountHash,
    [property: Id(1)] int FlaggedDelta,
    [property: Id(2)] bool Linkable,
    [property: Id(3)] string? Cluster);
