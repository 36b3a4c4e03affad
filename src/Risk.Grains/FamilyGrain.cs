using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class FamilyState
{
    public int Members { get; set; }
    public int RingLike { get; set; }
    /// <summary>The ring-like members, at most <see cref="FamilyGrain.ListedKept"/>: those a ring is made of and told.</summary>
    public List<FamilyMember> Listed { get; set; } = [];
    public HubLinks Links { get; set; } = new();
}

public sealed class FamilyMember
{
    public string Account { get; set; } = "";
    public DateTime Created { get; set; }
    public string? Cluster { get; set; }
    /// <summary>The ring size it was last told, 0 if never; and when (the family's event time).</summary>
    public int Told { get; set; }
    public DateTime ToldAt { get; set; }
}

/// <summary>
/// A content family (<see cref="IFamilyGrain"/>). It keeps counts of its members and of its ring-like ones, and a short
/// list of the ring-like; the members' reports keep the counts right (each carries what it replaces).
/// </summary>
public sealed class FamilyGrain(
    [PersistentState("family", RiskGrainOptions.StorageName)] IPersistentState<FamilyState> state,
    IOptions<RiskGrainOptions> options,
    PolicyCache policies) : WriteBehindGrain<FamilyState>(state, options), IFamilyGrain
{
    public const int ListedKept = 64;

    private readonly ClusterLinker _linker = new();

    public async Task Report(FamilyReport report)
    {
        var policy = await policies.Get();
        static int One(bool b) => b ? 1 : 0;
        if (report.Joins) State.Members++;
        State.RingLike = Math.Max(0, State.RingLike + One(report.RingLike) - One(report.WasRingLike));
        List(report);
        MarkDirty();
        if (report.RingLike) TellRing(policy, report.Ts);
    }

    private void List(FamilyReport report)
    {
        var at = State.Listed.FindIndex(m => m.Account == report.Account);
        if (!report.RingLike)
        {
            if (at >= 0) State.Listed.RemoveAt(at);
            return;
        }
        if (at >= 0)
        {
            State.Listed[at].Cluster = report.Cluster;
            return;
        }
        if (State.Listed.Count < ListedKept)
            State.Listed.Add(new FamilyMember { Account = report.Account, Created = report.Created, Cluster = report.Cluster });
    }

    /// <summary>
    /// A ring: enough ring-like members opened within <see cref="Knobs.FamilyRingSpanDays"/> of each other, and they
    /// are most of the family. Each is told when it is new to the ring, when the ring grew, or a day after it was last
    /// told, and their clusters are linked.
    /// </summary>
    private void TellRing(PolicyView policy, DateTime at)
    {
        var ring = DensestOpening(TimeSpan.FromDays(policy[Knobs.FamilyRingSpanDays]));
        if (ring.Count < policy[Knobs.FamilyRingAccounts.From] || ring.Count < policy[Knobs.FamilyRingShare] * State.Members) return;
        foreach (var member in ring)
        {
            if (member.Told >= ring.Count && at - member.ToldAt < TimeSpan.FromDays(1)) continue;
            member.Told = ring.Count;
            member.ToldAt = at;
            _ = GrainFactory.Grain<IAccountGrain>(GrainKeys.Account(member.Account)).RingFound(new FamilyRing(FamilyKey, ring.Count, at));
        }
        _linker.Link(State.Links, ring.Where(m => m.Cluster is not null).Select(m => m.Cluster!), GrainFactory);
    }

    private uint FamilyKey => FamilyKeys.Parse(this.GetPrimaryKeyString());

    /// <summary>The largest set of listed members opened within <paramref name="span"/> of each other.</summary>
    private List<FamilyMember> DensestOpening(TimeSpan span)
    {
        var byOpening = State.Listed.OrderBy(m => m.Created).ToList();
        int bestFrom = 0, bestCount = 0;
        for (int from = 0, to = 0; to < byOpening.Count; to++)
        {
            while (byOpening[to].Created - byOpening[from].Created > span) from++;
            if (to - from + 1 > bestCount) (bestFrom, bestCount) = (from, to - from + 1);
        }
        return byOpening.GetRange(bestFrom, bestCount);
    }
}
