namespace Risk.Simulation;

/// <summary>
/// The crowds a detector must spare. Each shares something an attack also shares (an IP, a proxy, a card,
/// a template, step-by-step wording, machine timing, an early switch to a new model) while differing in the
/// rest: old accounts, own cards, human hours, varied content, short outputs.
/// </summary>
internal static class BenignCohorts
{
    /// <summary>Hundreds of phone users behind a mobile carrier's NAT: a few addresses, one ASN, old accounts.</summary>
    public static void Nat(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(400, 5);
        for (var i = 0; i < n; i++)
        {
            var account = c.NewAccount(c.DaysBeforeStart(rng.Uniform(60, 1500)), "standard", rng.Chance(0.65) ? c.NewPayment() : null);
            // The carrier maps a phone to one of a few exits, and remaps it now and then.
            var exits = rng.Sample(w.CarrierNat, rng.Between(1, 3));
            var ja4 = rng.Weighted(Fingerprints.MobileMix);
            var offset = rng.Weighted<double>([(-8, 30), (-7, 10), (-6, 25), (-5, 35)]);
            var lang = rng.HomeLanguage(offset);
            var wake = rng.Uniform(6.5, 9);
            var habits = new HumanHabits(offset, wake, rng.Uniform(22, 24.5) % 24, rng.Uniform(0.35, 0.8),
                rng.Uniform(1.2, 2.5), rng.Uniform(1.5, 3.5), rng.Uniform(30, 90));
            var adoptAt = Models.AdoptionTime(rng, w.Launch, 0.04);

            foreach (var session in Rhythm.Human(rng, habits, c.Start, c.End))
            {
                var from = rng.Pick(exits);
                foreach (var t in session.Requests)
                {
                    var roll = rng.NextDouble();
                    var prompt = roll < 0.88 ? EverydayPrompts.Chat(rng, lang)
                        : roll < 0.96 ? EverydayPrompts.StepByStep(rng, lang)
                        : EverydayPrompts.DevQuestion(rng);
                    c.Emit(account, t, from, null, ja4, Models.For(rng, t, adoptAt, 0.4), prompt,
                        (int)rng.LogNormal(280, 0.6), (int)rng.LogNormal(120, 0.9));
                }
            }
        }
    }

    /// <summary>
    /// Students behind the campus gateway: tier edu, the same problem set pasted with "explain step by step",
    /// and a rush on the evening the homework is due (day 4, campus time).
    /// </summary>
    public static void Campus(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(250, 5);
        var problems = new ProblemSet(new Random(rng.Next()));
        const double campusOffset = -5;
        var dueEvening = c.Start.Date.AddDays(3).AddHours(18 - campusOffset);
        var semesterStart = c.DaysBeforeStart(rng.Uniform(45, 55));

        for (var i = 0; i < n; i++)
        {
            var created = rng.Chance(0.45) ? semesterStart + TimeSpan.FromDays(rng.Uniform(0, 6)) : c.DaysBeforeStart(rng.Uniform(100, 1100));
            var account = c.NewAccount(created, "edu", rng.Chance(0.4) ? c.NewPayment() : null);
            var ja4 = rng.Weighted(Fingerprints.StudentMix);
            var lang = rng.Weighted<Lang>([(Lang.En, 88), (Lang.Zh, 5), (Lang.Es, 4), (Lang.Ja, 1), (Lang.De, 1), (Lang.Fr, 1)]);
            var habits = new HumanHabits(campusOffset, rng.Uniform(8.5, 11), rng.Uniform(0.5, 2.5), rng.Uniform(0.35, 0.7),
                rng.Uniform(1, 2), rng.Uniform(2.5, 4.5), rng.Uniform(40, 120));
            var homeworkShare = rng.Uniform(0.4, 0.7);
            var adoptAt = Models.AdoptionTime(rng, w.Launch, 0.06);

            var sessions = Rhythm.Human(rng, habits, c.Start, c.End).Select(s => (s, Rush: false)).ToList();
            if (rng.Chance(0.65))
            {
                for (var k = rng.Between(1, 3); k > 0; k--)
                {
                    var t = dueEvening + TimeSpan.FromHours(rng.Uniform(0, 5.5));
                    var times = new List<DateTime>();
                    for (var j = rng.Between(3, 8); j > 0; j--, t += Draw.Seconds(Math.Clamp(rng.LogNormal(90, 0.8), 10, 1800))) times.Add(t);
                    sessions.Add((new Session(times[0], times), true));
                }
            }

            foreach (var (session, rush) in sessions)
            {
                var from = rng.Pick(w.Campus.Pool);
                foreach (var t in session.Requests)
                {
                    var homework = rng.Chance(rush ? 0.9 : homeworkShare);
                    var prompt = homework ? problems.Ask(rng)
                        : rng.Chance(0.8) ? EverydayPrompts.Chat(rng, lang) : EverydayPrompts.DevQuestion(rng);
                    var outTokens = homework ? rng.LogNormal(650, 0.5) : rng.LogNormal(300, 0.6);
                    c.Emit(account, t, from, w.Campus.Name, w.Campus.Ja4For(ja4), Models.For(rng, t, adoptAt, 0.5), prompt,
                        (int)outTokens, (int)rng.LogNormal(150, 0.9));
                }
            }
        }
    }

    /// <summary>
    /// Employees behind a TLS-inspecting corporate gateway: one fingerprint, two exits, ONE company card, and
    /// accounts provisioned in batches. Office hours on weekdays only.
    /// </summary>
    public static void Corporate(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(150, 4);
        var companyCard = c.NewPayment();
        DateTime[] onboarding = [c.DaysBeforeStart(410), c.DaysBeforeStart(205), c.DaysBeforeStart(47)];

        for (var i = 0; i < n; i++)
        {
            var batch = rng.Weighted<DateTime>([(onboarding[0], 60), (onboarding[1], 30), (onboarding[2], 10)]);
            var account = c.NewAccount(batch + TimeSpan.FromDays(rng.Uniform(0, 2)), "enterprise", companyCard);
            var developer = rng.Chance(0.3);
            var lang = rng.Weighted<Lang>([(Lang.En, 70), (Lang.De, 20), (Lang.Fr, 10)]);
            var habits = new HumanHabits(1, 8.5, 18.5, rng.Uniform(0.7, 0.95), rng.Uniform(2, 4), rng.Uniform(2, 4),
                rng.Uniform(40, 120), WeekdaysOnly: true);
            var adoptAt = Models.AdoptionTime(rng, w.Launch, 0.05);

            foreach (var session in Rhythm.Human(rng, habits, c.Start, c.End))
            foreach (var t in session.Requests)
            {
                var roll = rng.NextDouble();
                var prompt = developer
                    ? (roll < 0.65 ? EverydayPrompts.DevQuestion(rng) : roll < 0.95 ? EverydayPrompts.Work(rng) : EverydayPrompts.Chat(rng, lang))
                    : (roll < 0.75 ? EverydayPrompts.Work(rng) : roll < 0.9 ? EverydayPrompts.Chat(rng, lang)
                        : roll < 0.95 ? EverydayPrompts.StepByStep(rng, lang) : EverydayPrompts.DevQuestion(rng));
                c.Emit(account, t, rng.Pick(w.Corporate.Pool), w.Corporate.Name, w.Corporate.Ja4For(Fingerprints.Chrome),
                    Models.For(rng, t, adoptAt, 0.7), prompt, (int)rng.LogNormal(450, 0.6), (int)rng.LogNormal(300, 0.9));
            }
        }
    }

    private static readonly string[] AppInstructions = Corpus.Load("workload")["AppInstructions"];

    /// <summary>
    /// Legitimate customers of the very relays the attacks use: a third on the hydra's reseller (sharing its
    /// exit pool), the rest on the pivot's cloud relays. Most are people; some are small apps serving their users.
    /// </summary>
    public static void Relay(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(300, 6);
        for (var i = 0; i < n; i++)
        {
            var via = rng.Weighted<Intermediary>([(w.Reseller, 35), (w.CloudA, 40), (w.CloudB, 25)]);
            var account = c.NewAccount(c.DaysBeforeStart(rng.Uniform(45, 1400)), rng.Chance(0.7) ? "standard" : "startup", c.NewPayment());
            var clientJa4 = rng.Weighted(Fingerprints.BenignMix);
            // The reseller is popular in Asia; the cloud relays serve everyone.
            var offset = rng.UtcOffset(via == w.Reseller ? Region.Asia : Region.Global);
            var lang = rng.HomeLanguage(offset);
            var ownExits = via == w.Reseller ? rng.Sample(via.Pool, rng.Between(1, 2)) : via.Pool.ToList();
            var adoptAt = Models.AdoptionTime(rng, w.Launch, 0.08);
            var preferA = rng.Uniform(0.3, 0.9);

            if (rng.Chance(0.12))
            {
                // A small app: its users' prompts wrapped in the app's own instruction, following its users' day.
                var instruction = rng.Pick(AppInstructions);
                foreach (var t in Rhythm.Diurnal(rng, rng.Uniform(15, 50), offset, c.Start, c.End))
                {
                    var body = rng.Chance(0.5) ? EverydayPrompts.Chat(rng, lang) : EverydayPrompts.Sentence(rng);
                    c.Emit(account, t, rng.Pick(ownExits), via.Name, via.Ja4For(clientJa4), Models.For(rng, t, adoptAt, preferA),
                        instruction + body, (int)rng.LogNormal(250, 0.5), rng.Between(30, 200));
                }
                continue;
            }

            var wake = rng.Uniform(6.5, 9.5);
            var habits = new HumanHabits(offset, wake, rng.Uniform(22, 25) % 24, rng.Uniform(0.4, 0.85),
                rng.Uniform(1.2, 3), rng.Uniform(2, 4), rng.Uniform(30, 120));
            foreach (var session in Rhythm.Human(rng, habits, c.Start, c.End))
            {
                var from = rng.Pick(ownExits);
                foreach (var t in session.Requests)
                {
                    var roll = rng.NextDouble();
                    var prompt = roll < 0.75 ? EverydayPrompts.Chat(rng, lang)
                        : roll < 0.87 ? EverydayPrompts.DevQuestion(rng)
                        : roll < 0.95 ? EverydayPrompts.Work(rng)
                        : EverydayPrompts.StepByStep(rng, lang);
                    // A cloud relay balances each request over its exits; the reseller pins a customer to one or two.
                    var exit = via == w.Reseller ? from : rng.Pick(via.Pool);
                    c.Emit(account, t, exit, via.Name, via.Ja4For(clientJa4), Models.For(rng, t, adoptAt, preferA), prompt,
                        (int)rng.LogNormal(320, 0.6), (int)rng.LogNormal(150, 0.9));
                }
            }
        }
    }

    /// <summary>
    /// Users of an agent product: the product's system prompt (agentic wording, one template for everyone)
    /// through its cloud relay, a loop of short tool calls per task. The product moves a fifth of its traffic
    /// to model-next a day and a half after launch.
    /// </summary>
    public static void Agent(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(200, 4);
        var productSwitch = w.Launch + TimeSpan.FromHours(36);
        for (var i = 0; i < n; i++)
        {
            var account = c.NewAccount(c.DaysBeforeStart(rng.Uniform(60, 900)), rng.Chance(0.75) ? "standard" : "startup", c.NewPayment());
            var offset = rng.UtcOffset(Region.Global);
            var wake = rng.Uniform(6.5, 9.5);
            var habits = new HumanHabits(offset, wake, rng.Uniform(22, 24.5) % 24, rng.Uniform(0.5, 0.85),
                rng.Uniform(1.2, 3), 1, 60);

            foreach (var session in Rhythm.Human(rng, habits, c.Start, c.End))
            {
                var t = session.Start;
                var steps = rng.Between(3, 14);
                for (var step = 0; step < steps; step++)
                {
                    var last = step == steps - 1;
                    var prompt = step == 0 ? AgentProduct.FirstStep(rng) : AgentProduct.NextStep(rng);
                    var outTokens = (int)(last ? rng.LogNormal(450, 0.5) : rng.LogNormal(160, 0.6));
                    var model = t >= productSwitch && rng.Chance(0.2) ? Models.Next : Models.A;
                    c.Emit(account, t, rng.Pick(w.AgentCo.Pool), w.AgentCo.Name, w.AgentCo.Ja4, model, prompt,
                        outTokens, 900 + (int)(step * rng.LogNormal(600, 0.5)));
                    t += Draw.Seconds(outTokens / 80.0 + rng.Uniform(2, 15));
                }
            }
        }
    }

    /// <summary>
    /// Power users: many step-by-step questions, long answers, long hours, home and work addresses (IPv6
    /// privacy addresses that change daily, sometimes a VPN), and the first to try a new model.
    /// </summary>
    public static void Power(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(40, 2);
        for (var i = 0; i < n; i++)
        {
            var account = c.NewAccount(c.DaysBeforeStart(rng.Uniform(200, 1500)), rng.Chance(0.8) ? "standard" : "startup", c.NewPayment());
            var homeIsp = rng.Pick(w.Residential);
            var home = w.Addresses.NewV4(rng, homeIsp);
            var homeV6 = rng.Chance(0.4) ? w.Addresses.NewV6Slash64(rng, homeIsp) : null;
            Egress? work = rng.Chance(0.3) ? w.Addresses.NewV4(rng, rng.Chance(0.5) ? w.BusinessIsp : rng.Pick(w.Residential)) : null;
            var usesVpn = rng.Chance(0.1);
            var ja4 = rng.Weighted(Fingerprints.BenignMix);
            var secondJa4 = rng.Chance(0.3) ? rng.Weighted(Fingerprints.BenignMix) : ja4;
            var offset = rng.UtcOffset(Region.Global);
            var lang = rng.HomeLanguage(offset);
            var wake = rng.Uniform(6.5, 9);
            var habits = new HumanHabits(offset, wake, (wake + rng.Uniform(15, 17.5)) % 24, rng.Uniform(0.8, 0.95),
                rng.Uniform(4, 6), rng.Uniform(4, 7), rng.Uniform(35, 90));
            var adoptAt = Models.AdoptionTime(rng, w.Launch, 0.45);
            var v6Day = DateTime.MinValue;
            var v6 = "";

            foreach (var session in Rhythm.Human(rng, habits, c.Start, c.End))
            {
                string? proxy = null;
                Egress from;
                if (usesVpn && rng.Chance(0.15))
                {
                    from = rng.Pick(w.Vpn.Pool);
                    proxy = w.Vpn.Name;
                }
                else if (work is { } office && rng.Chance(0.35)) from = office;
                else if (homeV6 is not null && rng.Chance(0.6))
                {
                    if (session.Start.Date != v6Day) { v6Day = session.Start.Date; v6 = AddressBook.V6InSlash64(rng, homeV6); }
                    from = new Egress(v6, homeIsp.Number);
                }
                else from = home;
                var client = rng.Chance(0.7) ? ja4 : secondJa4;

                foreach (var t in session.Requests)
                {
                    var roll = rng.NextDouble();
                    var stepwise = roll < 0.6;
                    var prompt = roll < 0.5 ? EverydayPrompts.StepByStep(rng, rng.Chance(0.75) ? lang : Lang.En)
                        : roll < 0.6 ? $"{rng.OneOf("Can you solve this step by step?", "Practice problem, show your work:", "Check my reasoning step by step:")} {ExtractionPrompts.EnglishProblem(rng)}"
                        : roll < 0.8 ? EverydayPrompts.DevQuestion(rng)
                        : EverydayPrompts.Chat(rng, lang);
                    var outTokens = stepwise ? rng.LogNormal(900, 0.5) : rng.LogNormal(400, 0.6);
                    c.Emit(account, t, from, proxy, client, Models.For(rng, t, adoptAt, 0.8), prompt, (int)outTokens, (int)rng.LogNormal(400, 1.0));
                }
            }
        }
    }

    /// <summary>
    /// Batch jobs: one account, one datacenter IP, one fixed instruction with a data item, a request every few
    /// seconds with jitter, one-word answers. Machine timing and template reuse, without anything to extract.
    /// </summary>
    public static void Automation(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(20, 2);
        for (var i = 0; i < n; i++)
        {
            var account = c.NewAccount(c.DaysBeforeStart(rng.Uniform(90, 900)),
                rng.Weighted<string>([("startup", 45), ("enterprise", 25), ("standard", 30)]), c.NewPayment());
            var from = w.Addresses.NewV4(rng, rng.Pick(w.Datacenter));
            var ja4 = rng.Weighted(Fingerprints.ScriptMix);
            var job = rng.Pick(AutomationJob.All);
            // Cron: the same times every day, a few minutes' drift from queueing.
            var runHours = rng.Sample(Enumerable.Range(0, 24).ToList(), rng.Between(1, 3)).Select(h => h + rng.Uniform(0, 0.9)).ToList();
            var weekdaysOnly = rng.Chance(0.3);
            var interval = rng.Uniform(2, 6);

            for (var day = c.Start.Date.AddDays(-1); day < c.End; day = day.AddDays(1))
            {
                if (weekdaysOnly && day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
                foreach (var hour in runHours)
                {
                    var t = day.AddHours(hour) + TimeSpan.FromMinutes(rng.Uniform(0, 3));
                    for (var k = rng.Between(40, 160); k > 0; k--)
                    {
                        c.Emit(account, t, from, null, ja4, Models.B, job.Prompt(rng), rng.Between(1, job.MaxOutTokens), rng.Between(10, 30));
                        t += Draw.Seconds(interval * rng.Uniform(0.85, 1.15));
                    }
                }
            }
        }
    }

    /// <summary>
    /// A research lab's evaluation harness: a handful of accounts on one lab address and one lab card,
    /// running a chain-of-thought benchmark in parallel bursts on weekdays, and on model-next within hours of launch.
    /// </summary>
    public static void Research(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(5, 2);
        var from = w.Addresses.NewV4(rng, w.LabNet);
        var labCard = c.NewPayment();
        var accounts = Enumerable.Range(0, n).Select(_ => c.NewAccount(c.DaysBeforeStart(rng.Uniform(150, 800)), "research", labCard)).ToList();
        var benchmark = new Benchmark(new Random(rng.Next()), 250);

        var runs = new List<(DateTime Start, string Model)>();
        for (var day = c.Start.Date; day < c.End; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            for (var k = rng.Between(1, 2); k > 0; k--)
                runs.Add((day.AddHours(rng.Uniform(9, 17) - 1), rng.Chance(0.6) ? Models.A : Models.B));
        }
        runs.Add((w.Launch + TimeSpan.FromHours(rng.Uniform(1, 3)), Models.Next));
        runs.Add((w.Launch + TimeSpan.FromHours(rng.Uniform(20, 26)), Models.Next));

        foreach (var (runStart, model) in runs)
        {
            var items = rng.Chance(0.4) ? 120 : benchmark.Items.Count;
            // Each account is one worker of the harness, taking every n-th item in turn.
            for (var worker = 0; worker < accounts.Count; worker++)
            {
                var t = runStart + Draw.Seconds(rng.Uniform(0, 2));
                for (var item = worker; item < items; item += accounts.Count)
                {
                    var outTokens = (int)rng.LogNormal(420, 0.4);
                    c.Emit(accounts[worker], t, from, null, Fingerprints.OfficialPythonSdk, model, benchmark.Prompt(item), outTokens);
                    t += Draw.Seconds(outTokens / 70.0 + rng.Uniform(0.3, 1.2));
                }
            }
        }
    }

    /// <summary>
    /// A coding bootcamp's cohort: fresh edu accounts, all opened the same week, in class behind the venue's two
    /// addresses on weekdays and at home in the evenings. In class the instructor sets an exercise and the whole
    /// room asks for it step by step within minutes: the same problem, the same words, at the same time. Nothing
    /// here is extraction, yet it looks like a new ring's first days.
    /// </summary>
    public static void Bootcamp(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(c.Recipe.BootcampAccounts, 5);
        var problems = new ProblemSet(new Random(rng.Next()));
        var offset = rng.UtcOffset(Region.Global);
        var opened = c.DaysBeforeStart(rng.Uniform(0, 6));
        var venue = Enumerable.Range(0, 2).Select(_ => w.Addresses.NewV4(rng, w.BusinessIsp)).ToList();
        var venueJa4 = rng.Weighted(Fingerprints.StudentMix);
        var isps = w.Residential.ToList();

        // The exercises: every class day at mid-morning and mid-afternoon, local time.
        var exercises = new List<(DateTime At, string Problem)>();
        for (var day = c.Start.Date; day < c.End; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            foreach (var hour in new[] { 10.5, 14.5 })
                exercises.Add((day.AddHours(hour - offset + rng.Uniform(-0.3, 0.3)), problems.Ask(rng)));
        }

        for (var i = 0; i < n; i++)
        {
            var account = c.NewAccount(opened + TimeSpan.FromDays(rng.Uniform(0, 3)), "edu", rng.Chance(0.3) ? c.NewPayment() : null);
            var home = w.Addresses.NewV4(rng, rng.Pick(isps));
            var ja4 = rng.Chance(0.6) ? venueJa4 : rng.Weighted(Fingerprints.StudentMix);
            var habits = new HumanHabits(offset, rng.Uniform(7, 9), rng.Uniform(23, 25.5) % 24, rng.Uniform(0.5, 0.8),
                rng.Uniform(1, 2), rng.Uniform(2, 4), rng.Uniform(40, 120));
            var adoptAt = Models.AdoptionTime(rng, w.Launch, 0.08);

            foreach (var (at, problem) in exercises)
            {
                if (!rng.Chance(0.85)) continue;
                var t = at + TimeSpan.FromMinutes(rng.Uniform(0, 8));
                for (var k = rng.Between(1, 4); k > 0; k--, t += Draw.Seconds(Math.Clamp(rng.LogNormal(70, 0.6), 10, 900)))
                {
                    var prompt = k == 1 ? problem + " Explain step by step." : problems.Ask(rng);
                    c.Emit(account, t, rng.Pick(venue), null, venueJa4, Models.For(rng, t, adoptAt, 0.6), prompt,
                        (int)rng.LogNormal(700, 0.5), (int)rng.LogNormal(200, 0.8));
                }
            }
            foreach (var session in Rhythm.Human(rng, habits, c.Start, c.End))
            foreach (var t in session.Requests)
            {
                var prompt = rng.Chance(0.5) ? problems.Ask(rng)
                    : rng.Chance(0.6) ? EverydayPrompts.DevQuestion(rng) : EverydayPrompts.StepByStep(rng, Lang.En);
                c.Emit(account, t, home, null, ja4, Models.For(rng, t, adoptAt, 0.6), prompt, (int)rng.LogNormal(500, 0.6),
                    (int)rng.LogNormal(150, 0.9));
            }
        }
    }
}
