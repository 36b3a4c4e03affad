using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class AccountState
{
    public string? Account { get; set; }
    public AccountProfile Profile { get; set; } = new();
    public OverrideAction Override { get; set; }
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
}

public sealed class AccountGrain(
    [PersistentState("account", RiskGrainOptions.StorageName)] IPersistentState<AccountState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies,
    ILogger<AccountGrain> log) : WriteBehindGrain<AccountState>(state, options), IAccountGrain
{
    private Watchers? _watchers;

    private AccountProfile Profile => State.Profile;

    private Watchers Watchers => _watchers ??= new(log);

    public async Task<EntityRisk> Watch(IRiskReplicaGrain replica)
    {
        var policy = await policies.Get();
        var risk = Risk(policy);
        Watchers.Add(replica, risk, policy["push.min_score_change"]);
        return risk;
    }

    /// <summary>Most accounts are never watched: no watcher list is made for them, and nothing is computed.</summary>
    private void TellWatchers(PolicyView policy) => _watchers?.TellIfMoved(() => Risk(policy), policy["push.min_score_change"]);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _watchers?.Gone();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<AccountStatus> Observe(AccountBatch batch)
    {
        if (batch.Events.Count == 0) return new AccountStatus(State.ReportedFlagged, State.Cluster?.ClusterId);
        var policy = await policies.Get();
        State.Account ??= batch.Events[0].Account;
        State.Ip = batch.Ip;
        State.Proxy = batch.Proxy;
        foreach (var e in batch.Events)
            Profile.Observe(e, e.Model is { } model && batch.Launches?.TryGetValue(model, out var launched) == true ? launched : null);
        // Scored once per batch, not per event: it decides the cluster report, the status for the network grains,
        // and whether the account is flagged now (the first-flag time is the batch's last event).
        var assessment = Profile.Assess(policy);
        var own = assessment.Score;
        var ownFlagged = DecisionRules.ActionFor(policy, own) >= DecisionAction.Challenge;
        await ReportToCluster(policy, own, ownFlagged);
        if (State.FirstFlaggedAt is null) NoteIfFlagged(policy, ToRisk(assessment, State.Cluster), Profile.LastSeen);
        MarkDirty();
        TellWatchers(policy);
        return new AccountStatus(ownFlagged, State.Cluster?.ClusterId);
    }

    public async Task<EntityRisk> GetRisk() => Risk(await policies.Get());

    /// <summary>For exports and explanations, not the request path: asks the cluster for its latest view first.</summary>
    public async Task<AccountVerdict> GetVerdict()
    {
        var policy = await policies.Get();
        var cluster = State.HomeCluster is { } home ? await GrainFactory.Grain<IClusterGrain>(home).GetRisk() : State.Cluster;
        return new AccountVerdict(
            State.Account ?? GrainKeys.Decode(this.GetPrimaryKeyString()),
            DecisionRules.Decide(policy, Risk(policy, cluster), State.Ip, State.Proxy),
            cluster?.ClusterId,
            State.FirstFlaggedAt,
            Profile.Events,
            Profile.Events == 0 ? null : Profile.LastSeen);
    }

    public async Task<AccountExplanation> Explain()
    {
        var policy = await policies.Get();
        return new AccountExplanation(await GetVerdict(), Profile.Measure(), Profile.Assess(policy).ToRisk(State.Override, Profile.Events),
            State.Cluster, State.Ip, State.Proxy);
    }

    public async Task SetOverride(OverrideAction action)
    {
        State.Account ??= GrainKeys.Decode(this.GetPrimaryKeyString());
        State.Override = action;
        await WriteThrough();
        TellWatchers(await policies.Get());
    }

    public async Task ClusterChanged(ClusterRisk risk)
    {
        // Clusters only ever merge into smaller ids: a push from a larger id than the one known is stale.
        if (State.Cluster is { } known && string.CompareOrdinal(risk.ClusterId, known.ClusterId) > 0) return;
        State.Cluster = risk;
        var policy = await policies.Get();
        if (State.FirstFlaggedAt is null) NoteIfFlagged(policy, Risk(policy), Max(Profile.LastSeen, risk.AsOf));
        MarkDirty();
        TellWatchers(policy);
    }

    private EntityRisk Risk(PolicyView policy) => Risk(policy, State.Cluster);

    private EntityRisk Risk(PolicyView policy, ClusterRisk? cluster) => ToRisk(Profile.Assess(policy), cluster);

    /// <summary>The account's own assessment plus what its cluster passes on, with its override.</summary>
    private EntityRisk ToRisk(Assessment own, ClusterRisk? cluster)
    {
        if (cluster is not null) own.AddAll(cluster.Risk.Reasons);
        return own.ToRisk(State.Override, Profile.Events);
    }

    private void NoteIfFlagged(PolicyView policy, EntityRisk risk, DateTime ts)
    {
        if (DecisionRules.CouldFlag(policy, risk) && DecisionRules.Decide(policy, risk, State.Ip, State.Proxy).IsFlagged) State.FirstFlaggedAt = ts;
    }

    /// <summary>
    /// Tells the cluster of this account's payment instrument about the account's own score, but only when it
    /// moved materially, and takes the cluster's risk from the answer. The cluster never calls back and waits.
    /// </summary>
    private async Task ReportToCluster(PolicyView policy, double own, bool flagged)
    {
        if (Profile.Payment is not { } payment) return;
        var clusterId = ClusterKeys.ForPayment(payment);
        var joined = State.HomeCluster == clusterId && State.ReportedToCluster;
        var material = !joined
            || Math.Abs(own - State.ReportedOwnScore) >= policy["push.min_score_change"]
            || flagged != State.ReportedFlagged;
        if (!material) return;

        var delta = !joined ? (flagged ? 1 : 0) : (flagged ? 1 : 0) - (State.ReportedFlagged ? 1 : 0);
        var cluster = GrainFactory.Grain<IClusterGrain>(clusterId);
        State.Cluster = await cluster.Report(new MemberReport(State.Account!, Profile.LastSeen, own, delta));
        State.HomeCluster = clusterId;
        State.ReportedToCluster = true;
        State.ReportedOwnScore = own;
        State.ReportedFlagged = flagged;
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
