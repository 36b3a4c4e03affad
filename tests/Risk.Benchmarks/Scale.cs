namespace Risk.Benchmarks;

/// <summary>How big each step of a run is.</summary>
/// <param name="Rounds">Measured rounds per latency figure (a warm-up round comes first); figures are their medians.</param>
/// <param name="Calls">Sequential calls per latency round.</param>
/// <param name="Seconds">Length of a pipelined-ping round.</param>
/// <param name="HydraScale">Simulator scale of the hydra in one copy of the traffic.</param>
/// <param name="BenignScale">Simulator scale of every benign cohort in one copy.</param>
/// <param name="Copies">Copies of the traffic in the ingest step (each copy is a fresh set of accounts).</param>
/// <param name="HotSpotAccounts">Accounts behind the one proxy in the hot-spot step.</param>
/// <param name="WarmUpRounds">At most this many one-copy ingest rounds before an ingest is measured.</param>
/// <param name="FailoverDemoScale">Simulator scale of the demo traffic replayed while a silo is killed (about 25,000 events per unit).</param>
public sealed record Scale(string Name, int Rounds, int Calls, double Seconds, double HydraScale, double BenignScale, int Copies, int HotSpotAccounts, int WarmUpRounds,
    double FailoverDemoScale)
{
    /// <summary>Under two minutes in all, most of it the failover step: that the harness runs and prints every figure (CI).</summary>
    public static readonly Scale Smoke = new("smoke", 1, 200, 0.5, 0.05, 0.05, 1, 200, 1, 1);

    /// <summary>About three minutes.</summary>
    public static readonly Scale Quick = new("quick", 3, 2_000, 2, 0.5, 0.5, 6, 5_000, 7, 2);

    public static readonly Scale Full = new("full", 5, 20_000, 5, 1, 1, 10, 20_000, 30, 4);

    public static Scale Named(string name) => new[] { Smoke, Quick, Full }.Single(s => s.Name == name);
}
