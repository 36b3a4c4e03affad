namespace Risk.Simulation;

/// <summary>
/// What the cohorts have in common: the week being simulated, the model launch, the address plan and the
/// intermediaries that several cohorts pass through. It is built from its own generator before any cohort
/// runs, so the reseller's pool is the same whether a scenario holds the hydra alone or everything.
/// </summary>
internal sealed class World
{
    public static readonly TimeSpan Span = TimeSpan.FromDays(7);

    public DateTime Start { get; }
    public DateTime End { get; }

    /// <summary>When model-next is released (the reference recipe: day 3, Wednesday, at 17:00 UTC).</summary>
    public DateTime Launch { get; }

    public Recipe Recipe { get; }

    public AddressBook Addresses { get; } = new();
    public IReadOnlyList<AutonomousSystem> Residential { get; }
    public IReadOnlyList<AutonomousSystem> Mobile { get; }
    public IReadOnlyList<AutonomousSystem> Datacenter { get; }
    public IReadOnlyList<AutonomousSystem> Cloud { get; }
    public AutonomousSystem CampusNet { get; }
    public AutonomousSystem BusinessIsp { get; }
    public AutonomousSystem LabNet { get; }

    /// <summary>The reseller relay the hydra rents: a rotating pool of residential and datacenter exits.</summary>
    public Intermediary Reseller { get; }

    /// <summary>The reseller's pool as its operator partitions it; each hydra worker sticks to one partition.</summary>
    public IReadOnlyList<IReadOnlyList<Egress>> ResellerPartitions { get; }

    public Intermediary CloudA { get; }
    public Intermediary CloudB { get; }
    public Intermediary AgentCo { get; }
    public Intermediary Vpn { get; }
    public Intermediary Campus { get; }
    public Intermediary Corporate { get; }

    /// <summary>A mobile carrier's carrier-grade NAT: a few addresses in front of a whole city of phones.</summary>
    public IReadOnlyList<Egress> CarrierNat { get; }

    public World(Random rng, DateTime start, double scale, Recipe recipe)
    {
        Start = start;
        End = start + Span;
        Recipe = recipe;
        Launch = start.Date + recipe.LaunchAfter;

        var slash16s = new HashSet<(int, int)>();
        AutonomousSystem As(int number, NetworkKind kind, int blocks)
        {
            var list = new List<(int, int)>();
            while (list.Count < blocks)
            {
                var a = rng.Between(1, 223);
                if (a is 10 or 100 or 127 or 169 or 172 or 192 or 198 or 203) continue;
                var b = rng.Next(256);
                if (slash16s.Add((a, b))) list.Add((a, b));
            }
            var v6 = $"2{rng.Next(0x400, 0x800):x}:{rng.Next(1, 0x10000):x}";
            return new AutonomousSystem(number, kind, list, v6);
        }

        int[] homeIsps =
        [
            7922, 701, 7018, 20115, 22773, 3320, 3215, 12322, 2856, 5089, 6830, 3352, 12479, 1136, 5432, 4134,
            4837, 9808, 4766, 17676, 2516, 4713, 12389, 8359, 3269, 6805, 812, 577, 1221, 9299, 7552, 45899,
            4788, 9829, 55836, 28573, 8151, 6799, 3303, 8447, 5610, 6739, 9121, 1241, 2119, 5483, 8452, 24560,
        ];
        var residential = homeIsps.Select(n => As(n, NetworkKind.Residential, 2)).ToList();
        // Smaller regional ISPs, so a ring that spreads over "distinct ASNs" has enough of them.
        var taken = homeIsps.ToHashSet();
        while (residential.Count < 96)
        {
            var n = rng.Between(30000, 64000);
            if (taken.Add(n)) residential.Add(As(n, NetworkKind.Residential, 1));
        }
        Residential = residential;
        Mobile = new[] { 21928, 6167, 20057, 3209, 5378 }.Select(n => As(n, NetworkKind.Mobile, 2)).ToList();
        Datacenter = new[] { 14061, 24940, 16276, 20473, 63949, 9009, 51167, 45102, 132203, 212238 }
            .Select(n => As(n, NetworkKind.Datacenter, 2)).ToList();
        Cloud = new[] { 16509, 8075, 15169, 31898 }.Select(n => As(n, NetworkKind.Cloud, 3)).ToList();
        CampusNet = As(1312, NetworkKind.Campus, 1);
        BusinessIsp = As(3356, NetworkKind.Business, 2);
        LabNet = As(1103, NetworkKind.Campus, 1);

        // Residential-proxy exits are spread over a few home ISPs, with datacenter exits as overflow.
        var poolSize = Math.Clamp((int)Math.Round(150 * Math.Sqrt(scale)), 40, 3000);
        var poolAsns = rng.Sample(Residential.Take(homeIsps.Length).ToList(), 3).Concat(rng.Sample(Datacenter, 2)).ToList();
        var pool = new List<Egress>();
        for (var i = 0; i < poolSize; i++)
            pool.Add(Addresses.NewV4(rng, i < poolSize * 0.65 ? poolAsns[rng.Next(3)] : poolAsns[3 + rng.Next(2)]));
        rng.ShuffleInPlace(pool);
        var partitions = Math.Max(2, (int)Math.Round(poolSize / 19.0));
        ResellerPartitions = Enumerable.Range(0, partitions)
            .Select(p => (IReadOnlyList<Egress>)pool.Where((_, i) => i % partitions == p).ToList()).ToList();
        Reseller = new Intermediary("relay:tokenmart", pool, Ja4: null);

        Intermediary Terminating(string name, AutonomousSystem asn, int size, string ja4) =>
            new(name, Enumerable.Range(0, size).Select(_ => Addresses.NewV4(rng, asn)).ToList(), ja4);
        CloudA = Terminating("relay:cloudA", Cloud[0], 24, Fingerprints.CloudRelayA);
        CloudB = Terminating("relay:cloudB", Cloud[1], 16, Fingerprints.CloudRelayB);
        AgentCo = Terminating("relay:agentco", Cloud[2], 6, Fingerprints.AgentCoBackend);
        Corporate = Terminating("corp:acme", BusinessIsp, 2, Fingerprints.CorporateProxy);
        Campus = new Intermediary("campus:uni-a", Enumerable.Range(0, 4).Select(_ => Addresses.NewV4(rng, CampusNet)).ToList(), null);
        Vpn = new Intermediary("vpn:tunnelco",
            Enumerable.Range(0, 12).Select(i => Addresses.NewV4(rng, Datacenter[i % 3])).ToList(), null);

        // Half the NAT exits are in the shared 100.64.0.0/10 space, half are the carrier's public addresses:
        // the range alone must not be what spares a crowd.
        var carrier = Mobile[0];
        var nat = new List<Egress>();
        for (var i = 0; i < 4; i++)
            nat.Add(Addresses.Claim($"100.{rng.Between(64, 127)}.{rng.Next(256)}.{rng.Between(1, 254)}", carrier.Number));
        for (var i = 0; i < 4; i++) nat.Add(Addresses.NewV4(rng, carrier));
        CarrierNat = nat;
    }
}

/// <summary>
/// The models on offer and how people move to a new one. Benign users drift over days; a few enthusiasts
/// try it within hours. An extraction operation repoints its workers at once.
/// </summary>
internal static class Models
{
    public const string A = "model-a";
    public const string B = "model-b";
    public const string Next = "model-next";

    /// <summary>When a person starts using model-next; often after the simulated week has ended.</summary>
    public static DateTime AdoptionTime(Random rng, DateTime launch, double eagerShare) =>
        rng.Chance(eagerShare)
            ? launch + TimeSpan.FromHours(Math.Clamp(rng.LogNormal(6, 0.8), 0.5, 72))
            : launch + TimeSpan.FromDays(1 + rng.Exponential(8));

    /// <summary>A person's model for one request: their usual mix, and model-next part of the time once adopted.</summary>
    public static string For(Random rng, DateTime ts, DateTime adoptedAt, double preferA) =>
        ts >= adoptedAt && rng.Chance(0.6) ? Next : rng.Chance(preferA) ? A : B;
}
