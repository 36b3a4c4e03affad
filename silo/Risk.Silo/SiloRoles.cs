using Risk.Grains;

namespace Risk.Silo;

/// <summary>Which of Risk's grain classes a silo of each <see cref="SiloRole"/> hosts; Orleans' own grains stay on every silo.</summary>
public static class SiloRoles
{
    /// <summary>The read side: decision reads that must not share a heap with ingest.</summary>
    private static readonly Type[] ReadSide = [typeof(RiskReplicaGrain)];

    /// <summary>Stateless or empty, so at home on any silo: the decision fallback and the benchmarks' ping.</summary>
    private static readonly Type[] Anywhere = [typeof(DecisionGrain), typeof(PingGrain)];

    public static bool Hosts(SiloRole role, Type grain) => role switch
    {
        SiloRole.Decisions => grain.Assembly != typeof(RiskReplicaGrain).Assembly || ReadSide.Contains(grain) || Anywhere.Contains(grain),
        SiloRole.Entities => !ReadSide.Contains(grain),
        _ => true,
    };
}
