namespace Risk.Simulation;

/// <summary>
/// The four operations of the February 2026 report, as a defender would see them at the gateway. Each one
/// is realistic about what it shares (payment cards, IP pools, fingerprints, templates) and, just as much,
/// about what it does not: volumes per account as low as a person's, and benign traffic mixed in.
/// </summary>
internal static class AttackCohorts
{
    /// <summary>
    /// A hydra: hundreds of accounts behind a reseller relay whose exits rotate through a residential and
    /// datacenter pool. Workers pull from a load balancer all day and night, share a dozen-odd cards and a few
    /// client fingerprints (one the official SDK's), and mix the relay's ordinary customer prompts into their
    /// extraction. Banned workers are replaced by freshly registered accounts within hours.
    /// </summary>
    public static void Hydra(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var recipe = c.Recipe;
        var initial = c.Count(480, 6);
        var cardCount = recipe.HydraAccountsPerCard is { } perCard
            ? Math.Max(1, (int)Math.Round(initial / perCard))
            : Math.Clamp((int)Math.Round(15 * Math.Sqrt(c.Size)), 3, 200);
        var cards = Enumerable.Range(0, cardCount).Select(_ => c.NewPayment()).ToList();
        // A few cards carry most accounts, as when an operation buys cards in batches of uneven size.
        var cardWeights = cards.Select((p, i) => (p, 1.0 / Math.Pow(i + 1, 0.8))).ToArray();
        (string, double)[] fingerprints = [(Fingerprints.OfficialPythonSdk, 40), (Fingerprints.HydraWorkerA, 35), (Fingerprints.HydraWorkerB, 25)];
        var registeredFrom = c.DaysBeforeStart(rng.Uniform(24, 34));
        string Tier() => rng.Weighted<string>([("standard", 80), ("edu", 12), ("startup", 8)]);

        var jobs = new JobBoard(rng, c.Start, c.End);
        var workers = new Queue<(DateTime Join, DateTime Created, bool Replacement, IReadOnlyList<Egress> Partition)>();
        for (var i = 0; i < initial; i++)
        {
            var created = registeredFrom + TimeSpan.FromDays(rng.Uniform(0, 18));
            // Already running when the week starts; a few come online during the first hours.
            var join = rng.Chance(0.9) ? c.Start : c.Start + TimeSpan.FromHours(rng.Uniform(0, 12));
            workers.Enqueue((join, created, false, rng.Pick(w.ResellerPartitions)));
        }

        while (workers.Count > 0)
        {
            var (join, created, replacement, partition) = workers.Dequeue();
            var account = c.NewAccount(created, Tier(), rng.Weighted(cardWeights), replacement);
            var ja4 = rng.Weighted(fingerprints);
            var exits = rng.Sample(partition, rng.Between(3, 8));
            // 8 to 70 a day at the reference median of 24.
            var perDay = Math.Clamp(rng.LogNormal(recipe.HydraPerDay, 0.5), recipe.HydraPerDay / 3, recipe.HydraPerDay * 70 / 24);
            var ordinaryShare = rng.Uniform(recipe.HydraOrdinaryFrom, recipe.HydraOrdinaryTo);
            // Some workers skip the relay and use its residential exits directly: no proxy is named for them.
            var proxy = recipe.HydraRelayShare >= 1 || rng.Chance(recipe.HydraRelayShare) ? w.Reseller.Name : null;

            var leave = c.End;
            if (rng.Chance(replacement ? 0.15 : 0.25) && c.End - join > TimeSpan.FromHours(8))
                leave = join + TimeSpan.FromHours(rng.Uniform(6, (c.End - join).TotalHours));

            foreach (var t in Rhythm.LoadBalanced(rng, perDay, join, leave))
            {
                // The relay rotates: mostly the worker's own exits, now and then any exit in the pool.
                var from = rng.Chance(0.04) ? rng.Pick(w.Reseller.Pool) : rng.Pick(exits);
                string prompt;
                int outTokens;
                if (rng.Chance(ordinaryShare))
                {
                    prompt = EverydayPrompts.Chat(rng, rng.Chance(0.5) ? Lang.Zh : Lang.En);
                    outTokens = (int)rng.LogNormal(320, 0.6);
                }
                else
                {
                    var job = jobs.At(rng, t);
                    prompt = ExtractionPrompts.Templated(rng, job.Kind, job.Lang, job.Skeleton, job.CodeLanguage);
                    outTokens = (int)Math.Clamp(rng.LogNormal(1700, 0.45), 200, 8000);
                }
                var model = t < w.Launch
                    ? (rng.Chance(0.85) ? Models.A : Models.B)
                    : rng.Chance(0.15 * Rhythm.Ramp(t, w.Launch, w.Launch.AddDays(1))) ? Models.Next : Models.A;
                c.Emit(account, t, from, proxy, ja4, model, prompt, outTokens, rng.Between(15, 60));
            }

            if (leave < c.End)
            {
                // The replacement was registered ahead of need and takes over the banned worker's slice of the pool.
                var newCreated = leave - TimeSpan.FromHours(rng.Uniform(0.5, 48));
                var newJoin = leave + TimeSpan.FromMinutes(rng.Uniform(5, 180));
                if (newJoin < c.End) workers.Enqueue((newJoin, newCreated, true, partition));
            }
        }
    }

    /// <summary>
    /// An operation's work queue: datasets being pushed through one skeleton and language each, a few at a time,
    /// each for a few hours. The load balancer hands every worker items from whatever is running, so at any
    /// moment hundreds of accounts send the same skeletons.
    /// </summary>
    private sealed class JobBoard
    {
        public sealed record Job(DateTime From, DateTime To, ExtractionKind Kind, Lang Lang, int Skeleton, string CodeLanguage);

        private readonly List<Job> _jobs = [];

        public JobBoard(Random rng, DateTime start, DateTime end, double concurrent = 3, double meanHours = 3)
        {
            for (var t = start - TimeSpan.FromHours(12); t < end; t += TimeSpan.FromHours(rng.Exponential(meanHours / concurrent)))
                _jobs.Add(new Job(t, t + TimeSpan.FromHours(Math.Clamp(rng.LogNormal(meanHours, 0.6), 0.5, 24)),
                    rng.Weighted(ExtractionPrompts.ExtractionKinds), rng.Weighted(ExtractionPrompts.OperationLanguages),
                    rng.Next(12), rng.Pick(ExtractionPrompts.CodeLanguages)));
        }

        public Job At(Random rng, DateTime t)
        {
            var running = _jobs.Where(j => j.From <= t && t < j.To).ToList();
            // Between jobs the queue is never quite empty: the most recently started one still has stragglers.
            return running.Count > 0 ? rng.Pick(running) : _jobs.Last(j => j.From <= t);
        }
    }

    /// <summary>
    /// A lockstep ring (campaign A): a few dozen accounts on one rented /24, fired together by a scheduler
    /// every 10–20 minutes through an 18-hour shift, all within a few seconds. Rubric grading for reward
    /// models, chain-of-thought reveal and censorship-safe rewrites, in several languages.
    /// </summary>
    public static void Lockstep(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(40, 4);
        var asn = rng.Pick(w.Datacenter);
        var cards = Enumerable.Range(0, n >= 12 ? 3 : 2).Select(_ => c.NewPayment()).ToList();
        var registeredFrom = c.DaysBeforeStart(rng.Uniform(16, 26));

        var members = new List<(SimAccount Account, Egress From)>();
        (int A, int B, int C) block = default;
        var hosts = new List<int>();
        for (var i = 0; i < n; i++)
        {
            if (hosts.Count == 0)
            {
                block = w.Addresses.NewSlash24(rng, asn);
                hosts = Enumerable.Range(2, 252).ToList();
                rng.ShuffleInPlace(hosts);
            }
            var host = hosts[^1];
            hosts.RemoveAt(hosts.Count - 1);
            var from = w.Addresses.Claim($"{block.A}.{block.B}.{block.C}.{host}", asn.Number);
            var account = c.NewAccount(registeredFrom + TimeSpan.FromDays(rng.Uniform(0, 10)), "standard", cards[i % cards.Count]);
            members.Add((account, from));
        }

        (Lang, double)[] languages = [(Lang.Zh, 30), (Lang.En, 30), (Lang.Es, 8), (Lang.Ru, 8), (Lang.Fr, 8), (Lang.De, 8), (Lang.Ja, 8)];
        for (var day = c.Start.Date.AddDays(-1); day < c.End; day = day.AddDays(1))
        {
            var shiftEnd = day.AddHours(18.5);
            var period = c.Recipe.LockstepPeriodMinutes;
            for (var t = day.AddHours(0.5) + TimeSpan.FromMinutes(rng.Uniform(-10, 10)); t < shiftEnd;
                 t += TimeSpan.FromMinutes(rng.Uniform(period - period / 3, period + period / 3)))
            {
                if (rng.Chance(0.04)) continue; // the operator's scheduler occasionally misses a tick
                // One batch of the dataset per burst: one task kind and language, a different item per account.
                var kind = rng.Weighted<string>([("rubric", 45), ("reveal", 30), ("sensitive", 25)]);
                var lang = rng.Weighted(languages);
                foreach (var (account, from) in members)
                {
                    if (!rng.Chance(0.9)) continue;
                    var (prompt, outTokens) = kind switch
                    {
                        "rubric" => (ExtractionPrompts.Rubric(rng, lang), rng.LogNormal(600, 0.4)),
                        "reveal" => (ExtractionPrompts.ChainOfThoughtReveal(rng, lang), rng.LogNormal(1800, 0.4)),
                        _ => (ExtractionPrompts.SensitiveRewrite(rng, lang), rng.LogNormal(420, 0.4)),
                    };
                    c.Emit(account, t + Draw.Seconds(rng.Uniform(0, c.Recipe.LockstepJitterSeconds)), from, null, Fingerprints.LockstepBot,
                        rng.Chance(0.9) ? Models.A : Models.B, prompt, (int)outTokens, rng.Between(10, 40));
                }
            }
        }
    }

    /// <summary>
    /// A model-launch pivot (campaign C): agentic-coding extraction through cloud relays that also carry
    /// legitimate customers. Agent loops run round the clock; within hours of model-next's release half the
    /// workers are repointed to it.
    /// </summary>
    public static void Pivot(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(150, 6);
        var cards = Enumerable.Range(0, Math.Clamp((int)Math.Round(10 * Math.Sqrt(c.Size)), 2, 100)).Select(_ => c.NewPayment()).ToList();
        var registeredFrom = c.DaysBeforeStart(rng.Uniform(25, 45));

        for (var i = 0; i < n; i++)
        {
            var account = c.NewAccount(registeredFrom + TimeSpan.FromDays(rng.Uniform(0, 14)),
                rng.Chance(0.5) ? "startup" : "standard", rng.Pick(cards));
            var relay = rng.Chance(0.6) ? w.CloudA : w.CloudB;
            var switchAt = rng.Chance(c.Recipe.PivotSwitchShare)
                ? w.Launch + TimeSpan.FromHours(Math.Clamp(rng.LogNormal(2.5, 0.5), 0.5, 20))
                : DateTime.MaxValue;
            var sessionsPerDay = rng.Uniform(2, 5);
            var meanIdle = TimeSpan.FromHours(24 / sessionsPerDay);

            for (var t = c.Start + rng.Exponential(1) * meanIdle; t < c.End; t += rng.Exponential(1) * meanIdle)
            {
                if (c.Recipe.PivotAgenticShare < 1 && !rng.Chance(c.Recipe.PivotAgenticShare))
                {
                    // An ordinary session between the agent loops: a developer's few questions.
                    for (var k = rng.Between(1, 4); k > 0 && t < c.End; k--, t += Draw.Seconds(rng.Uniform(30, 600)))
                        c.Emit(account, t, rng.Pick(relay.Pool), relay.Name, relay.Ja4, rng.Chance(0.9) ? Models.A : Models.B,
                            EverydayPrompts.DevQuestion(rng), (int)rng.LogNormal(400, 0.6), (int)rng.LogNormal(300, 0.8));
                    continue;
                }
                var lang = rng.Weighted(ExtractionPrompts.PivotLanguages);
                var repo = ExtractionPrompts.Repo(rng);
                var task = ExtractionPrompts.RepoTask(rng, lang);
                var steps = rng.Between(4, 14);
                for (var step = 0; step < steps && t < c.End; step++)
                {
                    var prompt = step == 0
                        ? ExtractionPrompts.PivotFirstStep(rng, lang, repo, task)
                        : ExtractionPrompts.PivotNextStep(rng, lang);
                    var outTokens = (int)Math.Clamp(rng.LogNormal(1300, 0.5), 200, 8000);
                    var model = t >= switchAt && rng.Chance(0.95) ? Models.Next : rng.Chance(0.9) ? Models.A : Models.B;
                    var context = 1200 + (int)(step * rng.LogNormal(800, 0.4));
                    c.Emit(account, t, rng.Pick(relay.Pool), relay.Name, relay.Ja4, model, prompt, outTokens, context);
                    // The loop waits for the model's answer, then for the tool to run.
                    t += Draw.Seconds(outTokens / 60.0 + rng.Uniform(3, 20));
                }
            }
        }
    }

    /// <summary>
    /// A careful ring: each account on its own home connection in a different ISP, keeping a person's hours,
    /// hand-paraphrasing its prompts and mixing in ordinary questions. What still gives it away is the
    /// content and the accounts' common birth week; report its recall separately.
    /// </summary>
    public static void Careful(CohortContext c)
    {
        var rng = c.Rng;
        var w = c.World;
        var n = c.Count(60, 3);
        var isps = w.Residential.ToList();
        rng.ShuffleInPlace(isps);
        var birthWeek = c.DaysBeforeStart(rng.Uniform(18, 30));
        (Lang, double)[] languages = [(Lang.En, 80), (Lang.Zh, 6), (Lang.Es, 4), (Lang.Ru, 4), (Lang.De, 3), (Lang.Fr, 3)];

        for (var i = 0; i < n; i++)
        {
            var account = c.NewAccount(birthWeek + TimeSpan.FromDays(rng.Uniform(0, 7)), "standard", c.NewPayment());
            var from = w.Addresses.NewV4(rng, isps[i % isps.Count]);
            var ja4 = rng.Weighted(Fingerprints.BenignMix);
            var offset = rng.UtcOffset(Region.Global);
            var wake = rng.Uniform(7, 9.5);
            var habits = new HumanHabits(offset, wake, (wake + rng.Uniform(14, 16.5)) % 24, rng.Uniform(0.82, 0.95),
                rng.Uniform(3.5, 5), rng.Uniform(4, 6), rng.Uniform(60, 150));
            var extractionShare = rng.Uniform(c.Recipe.CarefulExtractionFrom, c.Recipe.CarefulExtractionTo);
            var adoptAt = Models.AdoptionTime(rng, w.Launch, 0.1);

            foreach (var session in Rhythm.Human(rng, habits, c.Start, c.End))
            foreach (var t in session.Requests)
            {
                string prompt;
                int outTokens;
                if (rng.Chance(extractionShare))
                {
                    prompt = ExtractionPrompts.Extraction(rng, rng.Weighted(languages), Wording.Paraphrased);
                    outTokens = (int)Math.Clamp(rng.LogNormal(1300, 0.5), 200, 8000);
                }
                else
                {
                    prompt = rng.Chance(0.85) ? EverydayPrompts.English(rng) : EverydayPrompts.DevQuestion(rng);
                    outTokens = (int)rng.LogNormal(300, 0.6);
                }
                c.Emit(account, t, from, null, ja4, Models.For(rng, t, adoptAt, 0.75), prompt, outTokens, (int)rng.LogNormal(150, 0.8));
            }
        }
    }
}
