namespace Risk.Simulation;

internal enum ExtractionKind { Reasoning, Coding, Agentic }

/// <summary>How much an operation varies its wording.</summary>
internal enum Wording
{
    /// <summary>A data-generation pipeline: a few fixed skeletons, a dataset item in the slot. Near-duplicates abound.</summary>
    Templated,

    /// <summary>A careful ring: many hand-written skeletons with spun phrases, so few prompts share a skeleton.</summary>
    Paraphrased,
}

/// <summary>
/// The content of extraction traffic, in seven languages: problems to reason through, coding and agentic
/// tasks, rubric grading for reward models, chain-of-thought reveal and "censorship-safe" rewrites.
/// The skeletons are long and the dataset item short, as in real distillation pipelines.
/// </summary>
internal static class ExtractionPrompts
{
    /// <summary>The task lists and skeletons below, from Corpora/extraction.txt.</summary>
    private static readonly Corpus Data = Corpus.Load("extraction");

    public static readonly (Lang, double)[] OperationLanguages =
        [(Lang.En, 45), (Lang.Zh, 24), (Lang.Es, 7), (Lang.Ru, 7), (Lang.Fr, 5), (Lang.De, 6), (Lang.Ja, 6)];

    // ---------------------------------------------------------------- dataset items

    private static readonly (string Expr, int Divisor)[] Divisibility =
        [("n³ − n", 6), ("5ⁿ − 1", 4), ("n² + n", 2), ("7ⁿ − 1", 6), ("n⁵ − n", 30), ("4ⁿ + 15n − 1", 9), ("n³ + 2n", 3), ("11ⁿ − 4ⁿ", 7)];

    private static readonly int[] Moduli = [7, 11, 13, 17, 19, 23, 29];

    /// <summary>A reasoning problem in the given language, with numbers drawn fresh each time.</summary>
    public static string Problem(Random r, Lang lang)
    {
        var (expr, d) = r.Pick(Divisibility);
        int v1 = r.Between(40, 120), v2 = r.Between(40, 120), dist = r.Between(100, 900), per = r.Between(20, 200), k = r.Between(1, 15);
        int red = r.Between(2, 12), blue = r.Between(2, 12), b = r.Between(2, 19), e = r.Between(20, 500), m = r.Pick(Moduli);
        return (lang, r.Next(5)) switch
        {
            (Lang.Zh, 0) => $"甲、乙两地相距{dist}千米，一辆汽车以每小时{v1}千米的速度从甲地出发，另一辆以每小时{v2}千米的速度同时从乙地出发相向而行，几小时后相遇？",
            (Lang.Zh, 1) => $"一个长方形的周长是{per}厘米，长比宽的两倍多{k}厘米，求它的面积。",
            (Lang.Zh, 2) => $"袋子里有{red}个红球和{blue}个蓝球，不放回地取出两个球，两个球颜色不同的概率是多少？",
            (Lang.Zh, 3) => $"求{b}的{e}次方除以{m}的余数。",
            (Lang.Zh, _) => $"证明：对任意正整数n，{expr}能被{d}整除。",
            (Lang.Es, 0) => $"Un tren sale a {v1} km/h y otro sale a {v2} km/h desde una ciudad a {dist} km en sentido contrario. ¿Cuándo se cruzan?",
            (Lang.Es, 1) => $"Un rectángulo tiene un perímetro de {per} cm y su largo es {k} cm mayor que el doble de su ancho. Calcula su área.",
            (Lang.Es, 2) => $"Una bolsa tiene {red} bolas rojas y {blue} azules. Se sacan dos sin reemplazo. ¿Cuál es la probabilidad de que sean de distinto color?",
            (Lang.Es, 3) => $"¿Cuál es el resto de dividir {b}^{e} entre {m}?",
            (Lang.Es, _) => $"Demuestra que para todo entero positivo n, {expr} es divisible por {d}.",
            (Lang.Ru, 0) => $"Расстояние между городами {dist} км. Навстречу друг другу одновременно выехали два автомобиля со скоростями {v1} км/ч и {v2} км/ч. Через сколько часов они встретятся?",
            (Lang.Ru, 1) => $"Периметр прямоугольника равен {per} см, а длина на {k} см больше удвоенной ширины. Найди площадь.",
            (Lang.Ru, 2) => $"В мешке {red} красных и {blue} синих шаров. Вынимают два шара без возвращения. Какова вероятность, что они разного цвета?",
            (Lang.Ru, 3) => $"Найди остаток от деления {b}^{e} на {m}.",
            (Lang.Ru, _) => $"Докажи, что при любом натуральном n число {expr} делится на {d}.",
            (Lang.Fr, 0) => $"Deux villes sont distantes de {dist} km. Une voiture part de l'une à {v1} km/h et une autre part de l'autre à {v2} km/h. Au bout de combien de temps se croisent-elles ?",
            (Lang.Fr, 1) => $"Un rectangle a un périmètre de {per} cm et sa longueur dépasse de {k} cm le double de sa largeur. Calcule son aire.",
            (Lang.Fr, 2) => $"Un sac contient {red} boules rouges et {blue} bleues. On en tire deux sans remise. Quelle est la probabilité qu'elles soient de couleurs différentes ?",
            (Lang.Fr, 3) => $"Quel est le reste de la division de {b}^{e} par {m} ?",
            (Lang.Fr, _) => $"Montre que pour tout entier n ≥ 1, {expr} est divisible par {d}.",
            (Lang.De, 0) => $"Zwei Städte sind {dist} km voneinander entfernt. Ein Auto fährt mit {v1} km/h von der einen los, ein anderes gleichzeitig mit {v2} km/h von der anderen. Nach wie vielen Stunden treffen sie sich?",
            (Lang.De, 1) => $"Ein Rechteck hat einen Umfang von {per} cm, seine Länge ist {k} cm größer als das Doppelte der Breite. Berechne den Flächeninhalt.",
            (Lang.De, 2) => $"In einem Beutel sind {red} rote und {blue} blaue Kugeln. Es werden zwei ohne Zurücklegen gezogen. Wie groß ist die Wahrscheinlichkeit, dass sie verschiedenfarbig sind?",
            (Lang.De, 3) => $"Welchen Rest lässt {b}^{e} bei Division durch {m}?",
            (Lang.De, _) => $"Beweise, dass für jede natürliche Zahl n der Ausdruck {expr} durch {d} teilbar ist.",
            (Lang.Ja, 0) => $"A駅とB駅は{dist}km離れています。A駅から時速{v1}kmの車が、B駅から時速{v2}kmの車が同時に向かい合って出発しました。何時間後に出会いますか。",
            (Lang.Ja, 1) => $"周の長さが{per}cmの長方形があり、縦は横の2倍より{k}cm長いです。面積を求めなさい。",
            (Lang.Ja, 2) => $"袋に赤玉が{red}個、青玉が{blue}個入っています。元に戻さずに2個取り出すとき、色が異なる確率を求めなさい。",
            (Lang.Ja, 3) => $"{b}の{e}乗を{m}で割った余りを求めなさい。",
            (Lang.Ja, _) => $"すべての正の整数nについて、{expr}が{d}で割り切れることを証明しなさい。",
            _ => EnglishProblem(r),
        };
    }

    public static string EnglishProblem(Random r)
    {
        var names = EverydayPrompts.Names;
        var cities = EverydayPrompts.Cities;
        var (expr, d) = r.Pick(Divisibility);
        return r.Next(12) switch
        {
            0 => $"A train leaves {r.Pick(cities)} at {r.Between(5, 11)}:00 travelling at {r.Between(60, 140)} km/h. Another train leaves {r.Pick(cities)}, {r.Between(150, 900)} km away, at {r.Between(6, 12)}:30 travelling towards it at {r.Between(60, 140)} km/h. At what time do they meet?",
            1 => $"How many ways can {r.Between(6, 12)} people sit at a round table if {r.Pick(names)} and {r.Pick(names)} refuse to sit next to each other?",
            2 => r.Pick(Moduli) is var p ? $"Find all integers x with 0 ≤ x < {p} such that x² ≡ {r.Between(2, 10)} (mod {p})." : "",
            3 => $"A rectangle has a perimeter of {r.Between(20, 200)} cm and its length is {r.Between(1, 15)} cm more than twice its width. Find its area.",
            4 => $"Prove that for every positive integer n, {expr} is divisible by {d}.",
            5 => $"A bag contains {r.Between(2, 12)} red, {r.Between(2, 12)} blue and {r.Between(2, 12)} green marbles. Two are drawn without replacement. What is the probability that they are different colours?",
            6 => $"{r.Pick(names)} invests {r.Between(1, 50) * 1000} at {r.Between(2, 12)}% annual interest compounded {r.OneOf("monthly", "quarterly", "yearly", "daily")}. How many years until the investment doubles?",
            7 => $"Solve the system: {r.Between(2, 9)}x + {r.Between(2, 9)}y = {r.Between(10, 99)}, {r.Between(2, 9)}x − {r.Between(2, 9)}y = {r.Between(1, 50)}.",
            8 => $"A ladder {r.Between(5, 15)} m long leans against a wall. Its foot slides away at {r.Between(1, 4)} m/s. How fast is the top sliding down when the foot is {r.Between(2, 4)} m from the wall?",
            9 => $"{r.Pick(names)}, {r.Pick(names)} and {r.Pick(names)} each own a different pet: a cat, a dog and a parrot. The first is allergic to fur and the second does not own the dog. Who owns which pet?",
            10 => $"What is the remainder when {r.Between(2, 19)}^{r.Between(20, 500)} is divided by {r.OneOf("7", "11", "13", "17", "19")}?",
            _ => $"How many positive divisors does {r.Between(100, 9999)} have, and what is their sum?",
        };
    }

    public static readonly string[] CodeLanguages = Data["CodeLanguages"];
    private static readonly string[] CodingTasks = Data["CodingTasks"];
    private static readonly Dictionary<Lang, string[]> CodingTasksIn = Data.PerLanguage("CodingTasksIn");

    public static string CodingTask(Random r, Lang lang)
    {
        var list = lang == Lang.En || !CodingTasksIn.TryGetValue(lang, out var local) ? CodingTasks : local;
        return r.Pick(list).Replace("N", r.Between(3, 5000).ToString());
    }

    private static readonly string[] ToolSets = Data["ToolSets"];
    private static readonly string[] AgentTasks = Data["AgentTasks"];
    private static readonly Dictionary<Lang, string[]> AgentTasksIn = Data.PerLanguage("AgentTasksIn");

    public static string AgentTask(Random r, Lang lang)
    {
        var list = lang == Lang.En || !AgentTasksIn.TryGetValue(lang, out var local) ? AgentTasks : local;
        var task = r.Pick(list).Replace("N", r.Between(3, 40).ToString());
        var i = task.IndexOf("CITY", StringComparison.Ordinal);
        if (i >= 0) task = string.Concat(task.AsSpan(0, i), r.Pick(EverydayPrompts.Cities), task.AsSpan(i + 4));
        return task.Replace("CITY", r.Pick(EverydayPrompts.Cities));
    }

    // ---------------------------------------------------------------- hydra and careful: reasoning, coding, agentic

    private static readonly Dictionary<Lang, string[]> ReasoningSkeletons = Data.PerLanguage("ReasoningSkeletons");
    private static readonly Dictionary<Lang, string[]> CodingSkeletons = Data.PerLanguage("CodingSkeletons");
    private static readonly Dictionary<Lang, string[]> AgenticSkeletons = Data.PerLanguage("AgenticSkeletons");

    // A careful ring writes its prompts by hand and spins them; only English gets the full range.
    private static readonly string[] ParaphrasedReasoning = Data["ParaphrasedReasoning"];
    private static readonly string[] ParaphrasedCoding = Data["ParaphrasedCoding"];
    private static readonly string[] ParaphrasedAgentic = Data["ParaphrasedAgentic"];

    public static readonly (ExtractionKind, double)[] ExtractionKinds =
        [(ExtractionKind.Reasoning, 40), (ExtractionKind.Coding, 35), (ExtractionKind.Agentic, 25)];

    /// <summary>One dataset item through one of a language's fixed skeletons, as a pipeline job produces it.</summary>
    public static string Templated(Random r, ExtractionKind kind, Lang lang, int skeleton, string? codeLanguage = null)
    {
        static string Nth(string[] skeletons, int i) => skeletons[i % skeletons.Length];
        return kind switch
        {
            ExtractionKind.Reasoning => Text.Spin(r, Nth(ReasoningSkeletons[lang], skeleton), ("item", Problem(r, lang))),
            ExtractionKind.Coding => Text.Spin(r, Nth(CodingSkeletons[lang], skeleton),
                ("code", codeLanguage ?? r.Pick(CodeLanguages)), ("item", CodingTask(r, lang))),
            _ => Text.Spin(r, Nth(AgenticSkeletons[lang], skeleton), ("tools", r.Pick(ToolSets)), ("item", AgentTask(r, lang))),
        };
    }

    /// <summary>The same content written by hand: English, many skeletons, spun phrases.</summary>
    public static string Paraphrased(Random r, ExtractionKind kind) => kind switch
    {
        ExtractionKind.Reasoning => Text.Spin(r, r.Pick(ParaphrasedReasoning), ("item", EnglishProblem(r))),
        ExtractionKind.Coding => Text.Spin(r, r.Pick(ParaphrasedCoding), ("code", r.Pick(CodeLanguages)), ("item", CodingTask(r, Lang.En))),
        _ => Text.Spin(r, r.Pick(ParaphrasedAgentic), ("tools", r.Pick(ToolSets)), ("item", AgentTask(r, Lang.En))),
    };

    /// <summary>One extraction prompt of a random kind; a careful ring writes most of its English ones by hand.</summary>
    public static string Extraction(Random r, Lang lang, Wording wording)
    {
        var kind = r.Weighted(ExtractionKinds);
        return wording == Wording.Paraphrased && (lang == Lang.En || r.Chance(0.3))
            ? Paraphrased(r, kind)
            : Templated(r, kind, lang, r.Next(12));
    }

    // ---------------------------------------------------------------- lockstep: rubric grading, CoT reveal, sensitive rewrites

    private static readonly Dictionary<Lang, string[]> Rubrics = Data.PerLanguage("Rubrics");
    private static readonly Dictionary<Lang, string> RubricSkeleton = Data.OnePerLanguage("RubricSkeleton");
    private static readonly string PairwiseSkeleton = Data.One("PairwiseSkeleton");

    private static string CandidateAnswer(Random r, Lang lang)
    {
        var n = r.Between(2, 999);
        return lang switch
        {
            Lang.Zh => r.OneOf($"答案是{n}。", $"经过计算，结果为{n}，因为两边相等。", $"我认为是{n}，但不确定。"),
            Lang.Es => r.OneOf($"La respuesta es {n}.", $"Después de calcular, da {n} porque ambos lados coinciden."),
            Lang.Ru => r.OneOf($"Ответ: {n}.", $"После вычислений получается {n}, так как обе части равны."),
            Lang.Fr => r.OneOf($"La réponse est {n}.", $"Après calcul, on obtient {n} car les deux côtés sont égaux."),
            Lang.De => r.OneOf($"Die Antwort ist {n}.", $"Nach der Rechnung ergibt sich {n}, weil beide Seiten gleich sind."),
            Lang.Ja => r.OneOf($"答えは{n}です。", $"計算すると{n}になります。両辺が等しいからです。"),
            _ => r.OneOf($"The answer is {n}.", $"After working it out, the result is {n} because both sides balance.", $"I think it's {n}, since the pattern repeats every {r.Between(2, 9)} steps.", $"It cannot be determined without more information."),
        };
    }

    public static string Rubric(Random r, Lang lang)
    {
        var rubric = r.Pick(Rubrics[lang]);
        if (lang == Lang.En && r.Chance(0.35))
            return Text.Spin(r, PairwiseSkeleton, ("rubric", rubric), ("item", Problem(r, lang)), ("answer", CandidateAnswer(r, lang)), ("other", CandidateAnswer(r, lang)));
        return Text.Spin(r, RubricSkeleton[lang], ("rubric", rubric), ("item", Problem(r, lang)), ("answer", CandidateAnswer(r, lang)));
    }

    private static readonly Dictionary<Lang, string> RevealSkeleton = Data.OnePerLanguage("RevealSkeleton");

    public static string ChainOfThoughtReveal(Random r, Lang lang) => Text.Spin(r, RevealSkeleton[lang], ("item", Problem(r, lang)));

    private static readonly string[] SensitiveQuestions = Data["SensitiveQuestions"];
    private static readonly string[] SensitiveQuestionsZh = Data["SensitiveQuestionsZh"];
    private static readonly Dictionary<Lang, string[]> SensitiveSkeletons = Data.PerLanguage("SensitiveSkeletons");

    public static string SensitiveRewrite(Random r, Lang lang)
    {
        var question = (lang == Lang.Zh ? r.Pick(SensitiveQuestionsZh) : r.Pick(SensitiveQuestions)).Replace("YEAR", r.Between(1955, 2022).ToString());
        return Text.Spin(r, r.Pick(SensitiveSkeletons[lang]), ("item", question));
    }

    // ---------------------------------------------------------------- pivot: agentic coding sessions

    private static readonly string[] Orgs = Data["Orgs"];
    private static readonly string[] Repos = Data["Repos"];
    private static readonly string[] RepoTasks = Data["RepoTasks"];
    private static readonly string[] RepoTasksZh = Data["RepoTasksZh"];

    public static string Repo(Random r) => $"{r.Pick(Orgs)}/{r.Pick(Repos)}";

    public static string RepoTask(Random r, Lang lang) => lang == Lang.Zh ? r.Pick(RepoTasksZh) : r.Pick(RepoTasks);

    private static readonly Dictionary<Lang, string> PivotFirst = Data.OnePerLanguage("PivotFirst");
    private static readonly Dictionary<Lang, string> PivotNext = Data.OnePerLanguage("PivotNext");

    public static readonly (Lang, double)[] PivotLanguages = [(Lang.En, 55), (Lang.Zh, 30), (Lang.Ru, 8), (Lang.Es, 7)];

    public static string PivotFirstStep(Random r, Lang lang, string repo, string task) =>
        Text.Spin(r, PivotFirst[lang], ("repo", repo), ("item", task));

    public static string PivotNextStep(Random r, Lang lang) => Text.Spin(r, PivotNext[lang], ("item", ToolObservation(r)));

    /// <summary>What a coding tool returns: the short, structured text an agent loop feeds back.</summary>
    public static string ToolObservation(Random r)
    {
        var file = $"{r.OneOf("src", "lib", "app", "pkg")}/{r.OneOf("orders", "scheduler", "client", "parser", "auth", "cache", "models")}.{r.OneOf("py", "ts", "go")}";
        return r.Next(6) switch
        {
            0 => $"run_tests() -> {r.Between(20, 400)} passed, {r.Between(1, 9)} failed: test_{r.OneOf("pagination", "retry", "login", "parse", "cache")}_{r.Between(1, 30)} AssertionError: expected {r.Between(0, 99)} got {r.Between(0, 99)}",
            1 => $"read_file('{file}') -> {r.Between(40, 900)} lines, class {r.OneOf("OrderService", "Scheduler", "HttpClient", "DateParser", "TokenStore")} with {r.Between(3, 25)} methods",
            2 => $"bash('git diff --stat') -> {r.Between(1, 12)} files changed, {r.Between(5, 400)} insertions(+), {r.Between(0, 200)} deletions(-)",
            3 => $"search_code('{r.OneOf("retry", "paginate", "lock", "parse_date", "cache_get")}') -> {r.Between(1, 30)} matches in {file}",
            4 => $"bash('pytest -x') -> ImportError: cannot import name '{r.OneOf("Backoff", "Paginator", "Session", "Token")}' from '{r.OneOf("utils", "core", "http")}' (line {r.Between(1, 300)})",
            _ => $"write_file('{file}') -> ok, {r.Between(200, 9000)} bytes",
        };
    }
}
