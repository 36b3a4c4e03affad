using System.Text.Json;

namespace Risk.Simulation;

/// <summary>
/// A simulated account. What the gateway would attach to each request (payment, tier, creation time) lives
/// here once; what the labels need (cohort, campaign) never reaches an event.
/// </summary>
internal sealed class SimAccount
{
    public required string Id { get; init; }
    public required string Cohort { get; init; }
    public required bool Malicious { get; init; }
    public required string? Campaign { get; init; }
    public required bool Replacement { get; init; }
    public required DateTime Created { get; init; }
    public required string Tier { get; init; }
    public required string? Payment { get; init; }
    public int Events { get; set; }
}

internal readonly record struct SimEvent(
    DateTime Ts, int Seq, SimAccount Account, Egress From, string? Proxy, string? Ja4, string Model, string Prompt, int InTokens, int OutTokens);

/// <summary>Every account and event of a run, in the order the cohorts produced them.</summary>
internal sealed class TrafficLog(World world)
{
    private readonly HashSet<string> _ids = [];
    private readonly HashSet<string> _payments = [];

    public World World { get; } = world;
    public List<SimAccount> Accounts { get; } = [];
    public List<SimEvent> Events { get; } = [];

    /// <summary>
    /// A neutral id ("u" + 8 hex digits) from the cohort's generator: nothing in an id hints at its cohort,
    /// so the labels file stays the only place the truth is written.
    /// </summary>
    public SimAccount NewAccount(Random rng, string cohort, bool malicious, string? campaign, DateTime created,
        string tier, string? payment, bool replacement = false)
    {
        string id;
        do id = "u" + rng.Hex(8); while (!_ids.Add(id));
        var account = new SimAccount
        {
            Id = id, Cohort = cohort, Malicious = malicious, Campaign = campaign, Replacement = replacement,
            Created = created, Tier = tier, Payment = payment,
        };
        Accounts.Add(account);
        return account;
    }

    /// <summary>A payment-instrument fingerprint, unique across the run unless deliberately shared.</summary>
    public string NewPayment(Random rng)
    {
        string p;
        do p = "pm_" + rng.Hex(16); while (!_payments.Add(p));
        return p;
    }

    public void Add(SimAccount account, DateTime ts, Egress from, string? proxy, string? ja4, string model, string prompt,
        int outTokens, int contextTokens)
    {
        // Times are kept to the millisecond the file shows, so a re-read file sorts exactly as generated.
        ts = new DateTime(ts.Ticks - ts.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        if (ts < World.Start || ts >= World.End || ts < account.Created) return;
        account.Events++;
        Events.Add(new SimEvent(ts, Events.Count, account, from, proxy, ja4, model, prompt,
            Text.Tokens(prompt) + Math.Max(0, contextTokens), Math.Max(1, outTokens)));
    }

    public static void WriteJson(Utf8JsonWriter w, in SimEvent e)
    {
        var a = e.Account;
        w.WriteStartObject();
        w.WriteString("ts", Iso(e.Ts));
        w.WriteString("account", a.Id);
        w.WriteString("ip", e.From.Ip);
        if (e.Proxy is not null) w.WriteString("proxy", e.Proxy);
        w.WriteNumber("asn", e.From.Asn);
        if (e.Ja4 is not null) w.WriteString("ja4", e.Ja4);
        if (a.Payment is not null) w.WriteString("payment", a.Payment);
        w.WriteString("tier", a.Tier);
        w.WriteString("accountCreated", Iso(a.Created));
        w.WriteString("model", e.Model);
        w.WriteString("prompt", e.Prompt);
        w.WriteNumber("inTokens", e.InTokens);
        w.WriteNumber("outTokens", e.OutTokens);
        w.WriteEndObject();
    }

    public static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What one cohort generator works with: its own generator, its size, the world and the log.</summary>
internal sealed class CohortContext(string cohort, bool malicious, string? campaign, Random rng, double size, TrafficLog log)
{
    public string Cohort { get; } = cohort;
    public Random Rng { get; } = rng;
    public World World => log.World;
    public DateTime Start => log.World.Start;
    public DateTime End => log.World.End;
    public Recipe Recipe => log.World.Recipe;

    /// <summary>Scale times the scenario's share for this cohort.</summary>
    public double Size { get; } = size;

    /// <summary>How many accounts a cohort of <paramref name="atScaleOne"/> has at this size.</summary>
    public int Count(int atScaleOne, int minimum = 1) => Math.Max(minimum, (int)Math.Round(atScaleOne * Size));

    public SimAccount NewAccount(DateTime created, string tier, string? payment, bool replacement = false) =>
        log.NewAccount(Rng, Cohort, malicious, campaign, created, tier, payment, replacement);

    public string NewPayment() => log.NewPayment(Rng);

    public void Emit(SimAccount account, DateTime ts, Egress from, string? proxy, string? ja4, string model, string prompt,
        int outTokens, int contextTokens = 0) =>
        log.Add(account, ts, from, proxy, ja4, model, prompt, outTokens, contextTokens);

    /// <summary>Days before the simulated week starts, as a creation time.</summary>
    public DateTime DaysBeforeStart(double days) => Start - TimeSpan.FromDays(days);
}
