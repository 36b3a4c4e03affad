using System.Text.Json.Serialization;
using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>
/// What an IP address or a proxy knows about the accounts behind it: how many, how new, how alike their
/// prompts and clients are, how synchronised they are, and how many are flagged (never by this context).
/// Fixed size whatever the traffic. Sharing is context, not guilt: <see cref="DecisionRules"/> caps what
/// network context can add, so a crowd alone never reaches the throttle threshold.
/// </summary>
public sealed class NetworkProfile
{
    public static readonly TimeSpan HalfLife = TimeSpan.FromHours(24);
    public static readonly TimeSpan SyncWindow = TimeSpan.FromSeconds(2);
    public const int RecentTemplates = 32;
    public const int SyncAccounts = 8;

    public long Events { get; set; }
    public DateTime LastSeen { get; set; }
    public HyperLogLog Accounts { get; set; } = new(10);
    public HyperLogLog Fingerprints { get; set; } = new(6);
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter Requests;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter NewAccountRequests;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter TemplateRequests;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter CrossAccountTemplates;
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter SynchronousRequests;
    /// <summary>Requests from flagged members (<see cref="MemberStatus"/>); over <see cref="Requests"/>, the flagged share.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public DecayedCounter FlaggedMemberRequests;

    /// <summary>The latest prompt templates with the account that sent each: (SimHash, account hash) pairs.</summary>
    public ulong[] Templates { get; set; } = new ulong[2 * RecentTemplates];
    public int NextTemplate { get; set; }

    /// <summary>The accounts seen in the current synchrony window.</summary>
    public ulong[] WindowAccounts { get; set; } = new ulong[SyncAccounts];
    public int WindowCount { get; set; }
    public DateTime WindowStart { get; set; }

    /// <summary>The clusters of flagged and suspect members that meet here, to be linked once this is a hub.</summary>
    public HubLinks Links { get; set; } = new();

    public void Observe(NetworkSighting s)
    {
        Events++;
        if (s.Ts > LastSeen) LastSeen = s.Ts;
        Accounts.Add(s.AccountHash);
        if (s.Fingerprint != 0) Fingerprints.Add(s.Fingerprint);
        Requests.Add(s.Ts, 1, HalfLife);
        if (s.NewAccount) NewAccountRequests.Add(s.Ts, 1, HalfLife);
        if (s.Template != 0)
        {
            TemplateRequests.Add(s.Ts, 1, HalfLife);
            if (SharesTemplateWithAnotherAccount(s)) CrossAccountTemplates.Add(s.Ts, 1, HalfLife);
        }
        if (IsSynchronous(s)) SynchronousRequests.Add(s.Ts, 1, HalfLife);
    }

    /// <summary>A member's standing after a batch; only flagged members' requests count (all requests are in <see cref="Requests"/>).</summary>
    public void Observe(MemberStatus m, DateTime at)
    {
        if (m.Flagged) FlaggedMemberRequests.Add(at, m.Requests, HalfLife);
    }

    /// <summary>Request-weighted share of this entity's traffic from flagged accounts (<see cref="MemberStatus"/>).</summary>
    public double FlaggedShare()
    {
        var requests = Requests.ValueAt(LastSeen, HalfLife);
        return requests <= 0 ? 0 : Math.Min(1, FlaggedMemberRequests.ValueAt(LastSeen, HalfLife) / requests);
    }

    public Assessment Assess(PolicyView policy, string fanoutReason)
    {
        var a = new Assessment(policy.Version);
        if (Events == 0) return a;
        var accounts = Accounts.Estimate();
        var fanout = policy[Knobs.NetworkFanoutAccounts];
        // Fan-out grows on a log scale: ten times the crowded level is full strength.
        a.Add(fanoutReason, policy.Weight(fanoutReason), accounts <= fanout ? 0 : Math.Log10(accounts / fanout));
        var requests = Requests.ValueAt(LastSeen, HalfLife);
        if (requests < 20 || accounts < policy[Knobs.NetworkGroupAccounts.From]) return a;
        // The remaining signals describe groups: they mean nothing for an IP with a handful of accounts.
        var group = policy.Ramp(Knobs.NetworkGroupAccounts, accounts);
        double Share(DecayedCounter c, DecayedCounter of) => of.ValueAt(LastSeen, HalfLife) is var d and > 0 ? c.ValueAt(LastSeen, HalfLife) / d : 0;
        a.Add(ReasonCodes.NewAccountShare, policy.Weight(ReasonCodes.NewAccountShare), policy.Ramp(Knobs.NewAccountShare, Share(NewAccountRequests, Requests)) * group);
        a.Add(ReasonCodes.TemplateOverlap, policy.Weight(ReasonCodes.TemplateOverlap), policy.Ramp(Knobs.TemplateOverlapShare, Share(CrossAccountTemplates, TemplateRequests)) * group);
        a.Add(ReasonCodes.Synchrony, policy.Weight(ReasonCodes.Synchrony), policy.Ramp(Knobs.SynchronyShare, Share(SynchronousRequests, Requests)) * group);
        if (Fingerprints.Estimate() is var fingerprints and > 0)
            a.Add(ReasonCodes.FingerprintMonoculture, policy.Weight(ReasonCodes.FingerprintMonoculture),
                policy.Ramp(Knobs.FingerprintMonocultureRatio, accounts / fingerprints) * group);
        a.Add(ReasonCodes.FlaggedMembers, policy.Weight(ReasonCodes.FlaggedMembers), policy.Ramp(Knobs.FlaggedMembersShare, FlaggedShare()) * group);
        return a;
    }

    private bool SharesTemplateWithAnotherAccount(NetworkSighting s)
    {
        var shared = false;
        for (var i = 0; i < RecentTemplates; i++)
        {
            var template = Templates[2 * i];
            if (template != 0 && Templates[2 * i + 1] != s.AccountHash && PromptFeatures.Distance(template, s.Template) <= TemplateRing.NearDistance)
            {
                shared = true;
                break;
            }
        }
        Templates[2 * NextTemplate] = s.Template;
        Templates[2 * NextTemplate + 1] = s.AccountHash;
        NextTemplate = (NextTemplate + 1) % RecentTemplates;
        return shared;
    }

    /// <summary>True when another account sent a request within <see cref="SyncWindow"/> before this one (CopyCatch's 2Δt).</summary>
    private bool IsSynchronous(NetworkSighting s)
    {
        if (s.Ts - WindowStart > SyncWindow || s.Ts < WindowStart)
        {
            WindowStart = s.Ts;
            WindowCount = 0;
        }
        var others = false;
        for (var i = 0; i < WindowCount; i++) others |= WindowAccounts[i] != s.AccountHash;
        if (WindowCount < SyncAccounts && Array.IndexOf(WindowAccounts, s.AccountHash, 0, WindowCount) < 0) WindowAccounts[WindowCount++] = s.AccountHash;
        return others;
    }
}
