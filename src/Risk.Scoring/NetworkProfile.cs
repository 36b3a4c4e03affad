using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>
/// What an IP address or a proxy knows about the accounts behind it. Sharing is context, not guilt:
/// a crowded IP alone stays below the throttle threshold, and only adds to accounts that carry their own signals.
/// </summary>
public sealed class NetworkProfile
{
    public static readonly TimeSpan HalfLife = TimeSpan.FromHours(24);

    public long Events { get; set; }
    public DateTime LastSeen { get; set; }
    public HyperLogLog Accounts { get; set; } = new(10);
    public DecayedCounter Requests { get; set; } = new();
    public DecayedCounter NewAccountRequests { get; set; } = new();

    public void Observe(NetworkSighting s)
    {
        Events++;
        if (s.Ts > LastSeen) LastSeen = s.Ts;
        Accounts.Add(s.AccountHash);
        Requests.Add(s.Ts, 1, HalfLife);
        if (s.NewAccount) NewAccountRequests.Add(s.Ts, 1, HalfLife);
    }

    public Assessment Assess(PolicyView policy, string fanoutReason)
    {
        var a = new Assessment();
        if (Events == 0) return a;
        var accounts = Accounts.Estimate();
        var fanout = policy["network.fanout_accounts"];
        // Fan-out grows on a log scale: ten times the crowded level is full strength.
        var fanoutStrength = accounts <= fanout ? 0 : Math.Log10(accounts / fanout);
        a.Add(fanoutReason, policy.Weight(fanoutReason), fanoutStrength);
        var requests = Requests.ValueAt(LastSeen, HalfLife);
        if (requests >= 20)
            a.Add(ReasonCodes.NewAccountShare, policy.Weight(ReasonCodes.NewAccountShare),
                Assessment.Ramp(NewAccountRequests.ValueAt(LastSeen, HalfLife) / requests, 0.5, 0.9) * Assessment.Ramp(accounts, 5, 20));
        return a;
    }
}
