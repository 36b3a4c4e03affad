using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class AccountState : IOverrideState
{
    public string? Account { get; set; }
    public AccountProfile Profile { get; set; } = new();
    public OverrideAction Override { get; set; }
    public DateTime? OverrideExpires { get; set; }
    public DateTime? FirstFlaggedAt { get; set; }
    public EntityRisk? Ip { get; set; }
    public EntityRisk? Proxy { get; set; }
    /// <summary>The cluster of this account's own identifier; it reports there, and is forwarded if that cluster merged.</summary>
    public string? HomeCluster { get; set; }
    /// <summary>The cluster it is part of now (its home cluster, or the one that cluster merged into), as last heard.</summary>
    public ClusterRisk? Cluster { get; set; }
    public bool ReportedToCluster { get; set; }
    public double ReportedOwnScore { get; set; }
    public bool ReportedFlagged { get; set; }
    /// <summary>Null until a campaign's flag is first remembered: few accounts ever have one.</summary>
    public CampaignMemory? Campaign { get; set; }
    /// <summary>What the creation cohort last heard from this account.</summary>
    public CohortStanding? Cohort { get; set; }
    /// <summary>What its content families last heard from it (ring-like, and its cluster while so), and how many of the families it joined have heard.</summary>
    public bool FamilyRingLike { get; set; }
    public string? FamilyCluster { get; set; }
    public int FamiliesTold { get; set; }
    /// <summary>The ids of its latest events; null until an event carries one.</summary>
    public RecentEventIds? EventIds { get; set; }
    /// <summary>The action the watchlist last heard (challenge or block), with its score; null when not on it.</summary>
    public DecisionAction? Listed { get; set; }
    public double ListedScore { get; set; }
    /// <summary>Its latest active hours of event time, for the console's chart of it.</summary>
    public HourlyTimeline Timeline { get; set; } = new();
    /// <summary>An analyst's latest review; written through, like an override.</summary>
    public AccountReview? Review { get; set; }
}

/// <summary>An account's standing as last reported to its creation cohort.</summary>
public sealed record CohortStanding(string Key, bool Flagged, bool Linkable, string? Cluster);

public sealed class AccountGrain(
    [PersistentState("account", RiskGrainOptions.StorageName)] IPersistentState<AccountState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger<AccountGrain> log) : EntityGrain<AccountState>(state, options, policies, log), IAccountGrain
{
    private AccountProfile Profile => State.Profile;

    private (DateTime, AccountTier, string)? _cohortOf;
    private string? _cohortKey;

    public async Task<AccountStatus> Observe(AccountBatch batch)
    {
        var skipped = Skip(batch.Events);
        if (batch.Events.Count == (skipped?.Count ?? 0)) return new AccountStatus(State.ReportedFlagged, ClusterId, State.ReportedFlagged, skipped);
        var policy = await Policies.Get();
        State.Account ??= batch.Events[0].Account;
        State.Ip = batch.Ip;
        State.Proxy = batch.Proxy;
        // The batch's address stands for all of its events: an account's batch rarely spans two.
        var shared = batch.Ip is { } ip && ip.Accounts >= policy[Knobs.FamilySharedAddressAccounts];
        var next = 0;
        var latest = DateTime.MinValue;
        for (var i = 0; i < batch.Events.Count; i++)
        {
            if (skipped is not null && next < skipped.Count && skipped[next].Position == i) { next++; continue; }
            var e = batch.Events[i];
            Profile.Observe(e, LaunchOf(batch, e), shared);
            State.Timeline.Add(e.Ts);
            if (e.Ts > latest) latest = e.Ts;
        }
        // Scored once per batch, not per event: it decides the cluster report, the status for the network grains,
        // and whether the account is flagged now (the first-flag time is the batch's last event).
        var assessment = Profile.Assess(policy);
        var own = assessment.Score;
        var ownFlagged = DecisionRules.ActionFor(policy, own) >= DecisionAction.Challenge;
        // Suspect enough for a hub to link its cluster: throttled on its own, with prompts of its own that look like
        // extraction. Volume, hours and addresses alone are what a cloud relay's customers show.
        var suspect = own >= policy[Knobs.ThresholdThrottle] && assessment.ScoreOf(ReasonFamilies.IsContent) >= policy[Knobs.ClusterLinkContentPoints];
        ReportToCluster(policy, own, ownFlagged);
        var withCluster = WithCluster(own, State.Cluster);
        // The risk a verdict reads starts from the same assessment; a copy, since noting a flag adds the cluster's
        // points to the one it is given, and assessing again would cost a second pass over the profile.
        var forRisk = assessment.Copy();
        NoteIfFlagged(policy, assessment, withCluster, State.Cluster, Profile.LastSeen);
        // The decision as a verdict would give it: the timeline's score, and what watchers and the watchlist hear, so
        // that it is built once per batch.
        var risk = Risk(forRisk, policy, State.Cluster);
        var decision = DecisionRules.Decide(policy, risk, State.Ip, State.Proxy);
        State.Timeline.Score(latest, decision.Score);
        // Applied again over a stored record with this activation's score: the record's events are not weighed then,
        // since reconciling runs with no policy at hand, and the hour's next batch scores it anew.
        // The score alone is captured, not the decision: what is kept lives until the next write.
        var score = decision.Score;
        Unstored(state => ObserveAgain(state, batch, skipped, shared, score), batch.Events.Count - (skipped?.Count ?? 0));
        MarkDirty();
        TellWatchers(policy, risk);
        // For the IPs and proxies it used: flagged by what it holds across accounts too (its cluster, a campaign),
        // but never by their own context, which would feed back on itself.
        var flagged = ownFlagged || State.Campaign?.IsActive(policy, Profile.LastSeen) == true
            || DecisionRules.ActionFor(policy, withCluster) >= DecisionAction.Challenge;
        // A ring's members are linked by their ring alone, never at an IP or a cohort: a careful ring opened the week a
        // hydra was, on the same client, is still another operation, and one member of it linked there would bring
        // the whole ring's cluster along.
        var linkable = (flagged || suspect) && Profile.Ring?.IsActive(policy, Profile.LastSeen) != true;
        ReportToCohort(flagged, linkable);
        ReportToFamilies(policy);
        TellWatchlist(policy, flagged || State.Ip?.Override == OverrideAction.Block || State.Proxy?.Override == OverrideAction.Block, decision);
        return new AccountStatus(flagged, linkable ? ClusterId : null, suspect && linkable, skipped);
    }

    private static DateTime? LaunchOf(AccountBatch batch, RiskEvent e) =>
        e.Model is { } model && batch.Launches?.TryGetValue(model, out var launched) == true ? launched : null;

    /// <summary>A batch's events applied again over a stored record; those whose ids the record holds were applied there.</summary>
    /// <param name="score">The decision score this activation gave after the batch: the timeline's for its latest hour.</param>
    private void ObserveAgain(AccountState state, AccountBatch batch, List<SkippedEvent>? skipped, bool shared, int score)
    {
        var next = 0;
        var latest = DateTime.MinValue;
        var capacity = (state.EventIds ??= new()).Fit(Options.AccountEventIds, Ids(batch.Events));
        for (var i = 0; i < batch.Events.Count; i++)
        {
            if (skipped is not null && next < skipped.Count && skipped[next].Position == i) { next++; continue; }
            var e = batch.Events[i];
            if (e.Id is { } id && state.EventIds.Admit(StableHash64.Of("event", id), e.Ts, capacity) != EventIdCheck.New) continue;
            state.Profile.Observe(e, LaunchOf(batch, e), shared);
            state.Timeline.Add(e.Ts);
            if (e.Ts > latest) latest = e.Ts;
        }
        state.Timeline.Score(latest, score);
        state.Account ??= batch.Events[0].Account;
    }

    /// <summary>
    /// The stored record's counters with this activation's events applied over them; of what was heard from other
    /// grains and told to them, this activation's where it has any (it is the later), else the record's.
    /// </summary>
    protected override AccountState Reconcile(AccountState stored, AccountState mine)
    {
        var ring = mine.Profile.Ring ?? stored.Profile.Ring;
        // The timeline counts events as the profile does: the record's, with this activation's applied over it below.
        (mine.Profile, mine.EventIds, mine.Timeline) = (stored.Profile, stored.EventIds, stored.Timeline);
        mine.Profile.Ring = ring;
        mine.Account ??= stored.Account;
        (mine.Ip, mine.Proxy) = (mine.Ip ?? stored.Ip, mine.Proxy ?? stored.Proxy);
        if (!mine.ReportedToCluster)
            (mine.HomeCluster, mine.Cluster, mine.ReportedToCluster, mine.ReportedOwnScore, mine.ReportedFlagged) =
                (stored.HomeCluster, mine.Cluster ?? stored.Cluster, stored.ReportedToCluster, stored.ReportedOwnScore, stored.ReportedFlagged);
        mine.Cohort ??= stored.Cohort;
        if (mine.FamiliesTold == 0)
            (mine.FamilyRingLike, mine.FamilyCluster, mine.FamiliesTold) = (stored.FamilyRingLike, stored.FamilyCluster, stored.FamiliesTold);
        mine.FirstFlaggedAt = stored.FirstFlaggedAt is { } first && (mine.FirstFlaggedAt is not { } own || first < own) ? first : mine.FirstFlaggedAt;
        if (mine.Campaign is not { IsSet: true } mineSet || stored.Campaign is { IsSet: true } storedSet && storedSet.RenewedAt > mineSet.RenewedAt) mine.Campaign = stored.Campaign;
        // An override is written through: the record's is the latest, unless this activation set one since (applied below).
        (mine.Override, mine.OverrideExpires) = (stored.Override, stored.OverrideExpires);
        mine.Review = stored.Review;
        ApplyUnstored(mine);
        return mine;
    }

    private static int Ids(IReadOnlyList<RiskEvent> events)
    {
        var ids = 0;
        for (var i = 0; i < events.Count; i++)
            if (events[i].Id is not null) ids++;
        return ids;
    }

    /// <summary>The events whose ids say they were applied before, or may have been; null when none.</summary>
    private List<SkippedEvent>? Skip(IReadOnlyList<RiskEvent> events)
    {
        List<SkippedEvent>? skipped = null;
        var ids = Ids(events);
        if (ids == 0) return null;
        var capacity = (State.EventIds ??= new()).Fit(Options.AccountEventIds, ids);
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Id is not { } id) continue;
            var check = State.EventIds.Admit(StableHash64.Of("event", id), events[i].Ts, capacity);
            if (check == EventIdCheck.New) continue;
            (skipped ??= []).Add(new SkippedEvent(i, check == EventIdCheck.Duplicate));
            RiskMetrics.EventsSkipped.Add(1, new TagList { { "entity", "account" }, { "why", check.ToString().ToLowerInvariant() } });
        }
        return skipped;
    }

    /// <summary>
    /// The cluster this account is part of, as last heard, else the one it reports to: a first report's answer comes
    /// as a push after the batch, and network grains link clusters by either (a merged cluster forwards).
    /// </summary>
    private string? ClusterId => State.Cluster?.ClusterId ?? State.HomeCluster;

    public async Task<EntityRisk> GetRisk() => Risk(await Policies.Get());

    /// <summary>For exports and explanations, not the request path: asks the cluster for its latest view first.</summary>
    public async Task<AccountVerdict> GetVerdict() => Verdict(await Policies.Get(), await LatestCluster());

    /// <summary>The cluster's latest view: a push from it is one-way and may still be on its way.</summary>
    private async Task<ClusterRisk?> LatestCluster() =>
        State.HomeCluster is { } home ? await GrainFactory.Grain<IClusterGrain>(home).GetRisk() : State.Cluster;

    private AccountVerdict Verdict(PolicyView policy, ClusterRisk? cluster) => new(
        State.Account ?? GrainKeys.Decode(this.GetPrimaryKeyString()),
        DecisionRules.Decide(policy, Risk(policy, cluster), State.Ip, State.Proxy),
        cluster?.ClusterId,
        State.FirstFlaggedAt,
        Profile.Events,
        Profile.Events == 0 ? null : Profile.LastSeen,
        Profile.LastJa4,
        Profile.LastIp,
        Profile.LastProxy,
        Profile.Payment);

    public Task<IReadOnlyList<TimelinePoint>> Timeline()
    {
        var timeline = State.Timeline;
        var points = new TimelinePoint[timeline.Count];
        for (var i = 0; i < points.Length; i++)
            points[i] = new TimelinePoint(HourlyTimeline.StartOf(timeline.Hours[i]), timeline.Events[i], timeline.Scores[i]);
        return Task.FromResult<IReadOnlyList<TimelinePoint>>(points);
    }

    public Task<AccountReview?> Review() => Task.FromResult(State.Review);

    /// <summary>Stored before it is acknowledged: a label is an operator's, like the override it comes with.</summary>
    public async Task Reviewed(AccountReview review)
    {
        var before = State.Review;
        try
        {
            await WriteThrough(state =>
            {
                state.Account ??= GrainKeys.Decode(this.GetPrimaryKeyString());
                state.Review = review;
            });
        }
        catch
        {
            // Kept only once stored: the review before stays the account's.
            State.Review = before;
            throw;
        }
    }

    public async Task<AccountExplanation> Explain()
    {
        var policy = await Policies.Get();
        var cluster = await LatestCluster();
        return new AccountExplanation(Verdict(policy, cluster), Profile.Measure(), Profile.Assess(policy).ToRisk(Override, Profile.Events),
            cluster, State.Ip, State.Proxy, State.Campaign?.Mark(policy, Profile.LastSeen),
            Profile.Ring is { } ring && ring.IsActive(policy, Profile.LastSeen)
                ? new RingMark(FamilyKeys.For(ring.Family), ring.Members, ring.Since, ring.Until(policy)) : null);
    }

    protected override Action OnOverride(AccountState state, OverrideAction action)
    {
        state.Account ??= GrainKeys.Decode(this.GetPrimaryKeyString());
        // An operator who allows the account, or lifts its override, has answered the evidence the memory held.
        if (action == OverrideAction.Block) return () => { };
        var (campaign, ring) = (state.Campaign, state.Profile.Ring);
        (state.Campaign, state.Profile.Ring) = (null, null);
        return () => (state.Campaign, state.Profile.Ring) = (campaign, ring);
    }

    public async Task ClusterChanged(ClusterRisk risk)
    {
        // Clusters only ever merge into smaller ids: a push from a larger id than the one known is stale.
        if (State.Cluster is { } known && string.CompareOrdinal(risk.ClusterId, known.ClusterId) > 0) return;
        State.Cluster = risk;
        var policy = await Policies.Get();
        var own = Profile.Assess(policy);
        NoteIfFlagged(policy, own, WithCluster(own.Score, risk), risk, Max(Profile.LastSeen, risk.AsOf));
        // A cluster that grew elsewhere is no longer one its content families may link: they hear so now, not at the
        // account's next request, before a ring would link it.
        ReportToFamilies(policy);
        MarkDirty();
        TellWatchers(policy);
        TellWatchlist(policy, mayBeFlagged: true);
    }

    public async Task RingFound(FamilyRing ring)
    {
        var policy = await Policies.Get();
        var at = Max(Profile.LastSeen, ring.At);
        if (Profile.Ring is { } known && known.IsActive(policy, at))
        {
            known.Family = ring.Family;
            known.Members = Math.Max(known.Members, ring.Members);
            known.RenewedAt = at;
        }
        else Profile.Ring = new RingEvidence { Family = ring.Family, Members = ring.Members, Since = at, RenewedAt = at };
        // The ring is evidence about the account's own content: its cluster hears of the new score at once.
        var own = Profile.Assess(policy);
        ReportToCluster(policy, own.Score, DecisionRules.ActionFor(policy, own.Score) >= DecisionAction.Challenge);
        NoteIfFlagged(policy, own, WithCluster(own.Score, State.Cluster), State.Cluster, at);
        MarkDirty();
        TellWatchers(policy);
        TellWatchlist(policy, mayBeFlagged: true);
    }

    protected override void Overridden(PolicyView policy) => TellWatchlist(policy, mayBeFlagged: true);

    /// <summary>
    /// Tells the watchlist when the account's decision becomes or stops being a flag, or its score moves materially
    /// while flagged. One-way. Decided only when it may flag or is listed: most accounts never are.
    /// </summary>
    /// <param name="decision">The decision now, when the caller made it already.</param>
    private void TellWatchlist(PolicyView policy, bool mayBeFlagged, Decision? decision = null)
    {
        if (!mayBeFlagged && State.Listed is null) return;
        decision ??= DecisionRules.Decide(policy, Risk(policy), State.Ip, State.Proxy);
        DecisionAction? listed = decision.IsFlagged ? decision.Action : null;
        if (listed == State.Listed && (listed is null || Math.Abs(decision.Score - State.ListedScore) < policy[Knobs.PushMinScoreChange])) return;
        (State.Listed, State.ListedScore) = (listed, decision.Score);
        MarkDirty();
        _ = GrainFactory.GetGrain<IWatchlistGrain>(IWatchlistGrain.Default).Note(new WatchedAccount(
            State.Account ?? GrainKeys.Decode(this.GetPrimaryKeyString()), decision.Action, decision.Score, [.. decision.Reasons.Take(5)],
            ClusterId, Profile.LastIp, Profile.LastProxy, Profile.LastSeen, State.FirstFlaggedAt));
    }

    protected override EntityRisk Risk(PolicyView policy) => Risk(policy, State.Cluster);

    /// <summary>A cluster's points weighed under an older policy are read again, so the risk is wholly under this one.</summary>
    protected override async ValueTask Reweigh(PolicyView policy)
    {
        if (State.Cluster is not { } known || known.Risk.PolicyVersion >= policy.Version || State.HomeCluster is not { } home) return;
        var fresh = await GrainFactory.Grain<IClusterGrain>(home).GetRisk();
        // A push may have come while this read was out; the newer of the two stays.
        if (State.Cluster is { } now && now.Risk.PolicyVersion > fresh.Risk.PolicyVersion) return;
        State.Cluster = fresh;
    }

    private EntityRisk Risk(PolicyView policy, ClusterRisk? cluster) => Risk(Profile.Assess(policy), policy, cluster);

    /// <summary>The risk from an assessment of the profile: campaign memory's points added to it, then its cluster's.</summary>
    private EntityRisk Risk(Assessment own, PolicyView policy, ClusterRisk? cluster)
    {
        State.Campaign?.AddTo(own, policy, Profile.LastSeen);
        return ToRisk(own, cluster);
    }

    /// <summary>An own score combined with its cluster's points, without building the risk.</summary>
    private static double WithCluster(double own, ClusterRisk? cluster) =>
        cluster is null ? own : Evidence.Combine(own, cluster.Risk.Score);

    /// <summary>The account's own assessment plus what its cluster passes on, with its override.</summary>
    private EntityRisk ToRisk(Assessment own, ClusterRisk? cluster)
    {
        if (cluster is not null)
        {
            own.AddAll(cluster.Risk.Reasons);
            own.WeighedUnder(cluster.Risk.PolicyVersion);
        }
        return own.ToRisk(Override, Profile.Events);
    }

    /// <summary>
    /// Notes the first flag, and remembers a flag that other accounts corroborate as a campaign's. Both read fresh
    /// evidence only (its own signals and its cluster's, not the memory), so the memory never renews itself.
    /// </summary>
    /// <param name="withCluster">The score of <paramref name="own"/> with the cluster's points, as <see cref="ToRisk"/> would make it.</param>
    private void NoteIfFlagged(PolicyView policy, Assessment own, double withCluster, ClusterRisk? cluster, DateTime ts)
    {
        var corroborated = CampaignMemory.Corroborates(policy, cluster, State.Ip, State.Proxy);
        // Once flagged, a decision is needed only to renew the memory, and renewing it more than hourly adds nothing
        // to a hold of days; a flag that may raise the remembered score is renewed at once.
        if (State.FirstFlaggedAt is not null && (!corroborated || State.Campaign is { } memory && memory.RenewedRecently(ts) && withCluster <= memory.Points)) return;
        var risk = ToRisk(own, cluster);
        if (!DecisionRules.CouldFlag(policy, risk)) return;
        var decision = DecisionRules.Decide(policy, risk, State.Ip, State.Proxy);
        if (!decision.IsFlagged) return;
        State.FirstFlaggedAt ??= ts;
        // An override's decision (the account's, its IP's or its proxy's) is the operator's, not evidence.
        if (corroborated && decision.Reasons is not [ReasonCodes.OverrideBlock]) (State.Campaign ??= new()).Remember(policy, decision, ts);
    }

    /// <summary>
    /// Tells the cluster of this account's payment instrument about the account's own score, but only when it
    /// moved materially. One-way: ingest never waits on the cluster, or on the clusters it merged into. The
    /// cluster's risk comes back as a push (<see cref="ClusterChanged"/>).
    /// </summary>
    private void ReportToCluster(PolicyView policy, double own, bool flagged)
    {
        if (Profile.Payment is not { } payment) return;
        // Standing reaches the cluster's mean too: an established member's score does not make its card's cluster a
        // ring (a lab's or a company's long-held accounts sharing one card); its flag still counts.
        if (Profile.IsEstablished(policy)) own = 0;
        var clusterId = ClusterKeys.ForPayment(payment);
        var joined = State.HomeCluster == clusterId && State.ReportedToCluster;
        var material = !joined
            || Math.Abs(own - State.ReportedOwnScore) >= policy[Knobs.PushMinScoreChange]
            || flagged != State.ReportedFlagged;
        if (!material) return;

        var delta = !joined ? (flagged ? 1 : 0) : (flagged ? 1 : 0) - (State.ReportedFlagged ? 1 : 0);
        // A new payment instrument: the account leaves its old cluster, whose id may be the smaller, so the new
        // cluster's push must not look stale against it (ClusterChanged).
        if (State.HomeCluster != clusterId) State.Cluster = null;
        _ = GrainFactory.Grain<IClusterGrain>(clusterId).Report(new MemberReport(State.Account!, Profile.LastSeen, own, delta, !joined, State.ReportedOwnScore));
        State.HomeCluster = clusterId;
        State.ReportedToCluster = true;
        State.ReportedOwnScore = own;
        State.ReportedFlagged = flagged;
    }

    /// <summary>
    /// Tells the account's creation cohort (<see cref="ICohortGrain"/>) when it joins, when its flag flips, and when
    /// it becomes linkable or its cluster changes while linkable. One-way, like the cluster report.
    /// </summary>
    private void ReportToCohort(bool flagged, bool linkable)
    {
        // Without an opening date or a client fingerprint, a week's sign-ups are only a week's sign-ups.
        if (Profile.Created is not { } created || Profile.LastJa4 is not { } ja4) return;
        // The key changes about never; it is built again only when what it is made of does.
        if (_cohortOf != (created, Profile.Tier, ja4))
        {
            _cohortOf = (created, Profile.Tier, ja4);
            _cohortKey = CohortKeys.For(created, Profile.Tier, ja4);
        }
        var key = _cohortKey!;
        var cluster = ClusterId;
        var last = State.Cohort;
        if (last is not null && last.Key == key && last.Flagged == flagged && last.Linkable == linkable && (!linkable || last.Cluster == cluster)) return;
        var hash = StableHash64.Of("account", State.Account!);
        // A new fingerprint or tier moves the account to another cohort: the old one stops counting its flag and takes
        // back the cluster it offered.
        if (last is not null && last.Key != key && (last.Flagged || last.Linkable))
            _ = GrainFactory.Grain<ICohortGrain>(last.Key).Report(new CohortReport(hash, last.Flagged ? -1 : 0, false, last.Linkable ? last.Cluster : null));
        var delta = (flagged ? 1 : 0) - (last?.Key == key && last.Flagged ? 1 : 0);
        // No longer linkable (a ring's member now): it names the cluster it offered before, which may not be its cluster
        // now, so that the cohort does not link it later for what it was.
        var offered = linkable ? cluster : last?.Key == key && last.Linkable ? last.Cluster : null;
        _ = GrainFactory.Grain<ICohortGrain>(key).Report(new CohortReport(hash, delta, linkable, offered));
        State.Cohort = new CohortStanding(key, flagged, linkable, cluster);
    }

    /// <summary>
    /// Tells the content families the account joined (<see cref="IFamilyGrain"/>) when it joins them, and all of them
    /// when it becomes ring-like or stops being so, or its cluster changes while it is. One-way.
    /// </summary>
    private void ReportToFamilies(PolicyView policy)
    {
        var joined = Profile.Families.Joined;
        if (joined.Count == 0) return;
        var ringLike = Profile.IsRingLike(policy);
        // A ring links only clusters that nothing else has grown yet (its own card's, or a small one): content shared
        // by two operations must not fuse the groups that other evidence built for each.
        var cluster = ringLike && (State.Cluster is not { } known || known.Members < policy[Knobs.ClusterMinMembers]) ? ClusterId : null;
        var changed = ringLike != State.FamilyRingLike || cluster != State.FamilyCluster;
        if (!changed && State.FamiliesTold == joined.Count) return;
        for (var i = 0; i < joined.Count; i++)
        {
            var joins = i >= State.FamiliesTold;
            if (!joins && !changed) continue;
            _ = GrainFactory.Grain<IFamilyGrain>(FamilyKeys.For(joined[i])).Report(new FamilyReport(State.Account!,
                Profile.Created ?? default, ringLike, cluster, joins, !joins && State.FamilyRingLike, Profile.LastSeen));
        }
        State.FamiliesTold = joined.Count;
        State.FamilyRingLike = ringLike;
        State.FamilyCluster = cluster;
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
