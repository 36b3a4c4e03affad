namespace Risk.Client.Simulation;

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

    public static readonly string[] CodeLanguages = ["Python", "Rust", "Go", "TypeScript", "Java", "C++", "C#", "Kotlin"];

    private static readonly string[] CodingTasks =
    [
        "merges overlapping intervals in a list of N pairs", "implements an LRU cache with capacity N", "returns the longest palindromic substring",
        "parses a CSV line with quoted fields and escaped quotes", "finds the k-th largest element in an unsorted array",
        "detects a cycle in a directed graph", "serializes and deserializes a binary tree", "computes the edit distance between two strings",
        "implements a rate limiter allowing N requests per minute", "validates an IPv6 address", "returns all permutations of a string without duplicates",
        "implements Dijkstra's shortest path on an adjacency list", "maintains the median of a data stream", "implements a trie with insert, search and prefix count",
        "finds the minimum number of coins for a given amount", "implements a thread-safe bounded queue", "topologically sorts tasks with dependencies",
        "evaluates an arithmetic expression with parentheses", "searches a rotated sorted array in O(log n)", "counts the islands in a grid",
        "implements a consistent-hashing ring with N virtual nodes", "diffs two JSON documents", "schedules meetings in the fewest rooms",
        "implements a min-heap without the standard library", "finds the longest increasing subsequence", "implements a regex matcher supporting . and *",
    ];

    private static readonly Dictionary<Lang, string[]> CodingTasksIn = new()
    {
        [Lang.Zh] = ["实现一个容量为N的LRU缓存", "合并N个重叠区间", "计算两个字符串的编辑距离", "检测有向图中的环", "解析带引号字段的CSV行", "实现每分钟最多N次请求的限流器", "求最长递增子序列"],
        [Lang.Es] = ["implemente una caché LRU de capacidad N", "fusione N intervalos solapados", "calcule la distancia de edición entre dos cadenas", "detecte un ciclo en un grafo dirigido", "analice una línea CSV con campos entre comillas"],
        [Lang.Ru] = ["реализует LRU-кэш ёмкостью N", "объединяет N пересекающихся интервалов", "вычисляет редакционное расстояние двух строк", "находит цикл в ориентированном графе", "разбирает строку CSV с кавычками"],
        [Lang.Fr] = ["implémente un cache LRU de capacité N", "fusionne N intervalles qui se chevauchent", "calcule la distance d'édition entre deux chaînes", "détecte un cycle dans un graphe orienté"],
        [Lang.De] = ["einen LRU-Cache mit Kapazität N implementiert", "N überlappende Intervalle zusammenführt", "die Editierdistanz zweier Strings berechnet", "einen Zyklus in einem gerichteten Graphen findet"],
        [Lang.Ja] = ["容量NのLRUキャッシュを実装する", "N個の重なる区間をマージする", "2つの文字列の編集距離を計算する", "有向グラフの閉路を検出する", "引用符付きフィールドを含むCSV行を解析する"],
    };

    public static string CodingTask(Random r, Lang lang)
    {
        var list = lang == Lang.En || !CodingTasksIn.TryGetValue(lang, out var local) ? CodingTasks : local;
        return r.Pick(list).Replace("N", r.Between(3, 5000).ToString());
    }

    private static readonly string[] ToolSets =
    [
        "search(query), open_url(url), click(selector), type(selector, text)",
        "bash(cmd), read_file(path), write_file(path, content), run_tests()",
        "python(code), sql(query), plot(spec), save(path)",
        "browser, terminal, file_editor, calculator",
        "get_weather(city), search_flights(from, to, date), book(offer_id), send_email(to, body)",
        "screenshot(), mouse_click(x, y), keyboard_type(text), scroll(dy)",
    ];

    private static readonly string[] AgentTasks =
    [
        "book the cheapest direct flight from CITY to CITY next Tuesday", "find the failing test in the repository and fix it",
        "collect the last N quarterly revenue figures for a listed company from its filings and plot them",
        "set up a nightly database backup and verify that it restores", "research the top N open-source vector databases and write a comparison table",
        "clean data/sales_N.csv, remove duplicates and report summary statistics", "migrate the project from Python 3.8 to 3.12 and make the tests pass",
        "fill in the job application form at the given URL with the candidate profile", "reconcile the invoices in the inbox with the ledger",
        "scrape the prices from the catalogue pages and flag any that changed", "triage the N newest issues in the tracker and label them",
        "deploy the web app to staging and run the smoke tests", "open the spreadsheet in the browser and fill column D with the totals",
    ];

    private static readonly Dictionary<Lang, string[]> AgentTasksIn = new()
    {
        [Lang.Zh] = ["预订下周二从CITY到CITY最便宜的直飞航班", "找到仓库中失败的测试并修复", "收集某上市公司最近N个季度的营收并画图", "清洗data/sales_N.csv并输出统计摘要", "把网页上的表格数据抓取下来并保存为CSV"],
        [Lang.Es] = ["reservar el vuelo directo más barato de CITY a CITY el próximo martes", "encontrar el test que falla en el repositorio y arreglarlo", "limpiar data/sales_N.csv y resumir las estadísticas"],
        [Lang.Ru] = ["забронировать самый дешёвый прямой рейс из CITY в CITY на следующий вторник", "найти падающий тест в репозитории и исправить его", "очистить data/sales_N.csv и посчитать статистику"],
        [Lang.Fr] = ["réserver le vol direct le moins cher de CITY à CITY mardi prochain", "trouver le test qui échoue dans le dépôt et le corriger", "nettoyer data/sales_N.csv et résumer les statistiques"],
        [Lang.De] = ["den günstigsten Direktflug von CITY nach CITY am nächsten Dienstag buchen", "den fehlschlagenden Test im Repository finden und beheben", "data/sales_N.csv bereinigen und Kennzahlen berichten"],
        [Lang.Ja] = ["来週火曜日のCITYからCITYへの最安の直行便を予約する", "リポジトリで失敗しているテストを見つけて修正する", "data/sales_N.csvを整形して統計を報告する"],
    };

    public static string AgentTask(Random r, Lang lang)
    {
        var list = lang == Lang.En || !AgentTasksIn.TryGetValue(lang, out var local) ? AgentTasks : local;
        var task = r.Pick(list).Replace("N", r.Between(3, 40).ToString());
        var i = task.IndexOf("CITY", StringComparison.Ordinal);
        if (i >= 0) task = string.Concat(task.AsSpan(0, i), r.Pick(EverydayPrompts.Cities), task.AsSpan(i + 4));
        return task.Replace("CITY", r.Pick(EverydayPrompts.Cities));
    }

    // ---------------------------------------------------------------- hydra and careful: reasoning, coding, agentic

    private static readonly Dictionary<Lang, string[]> ReasoningSkeletons = new()
    {
        [Lang.En] =
        [
            "Solve the following problem. Think step by step and show your reasoning at every step; do not skip any intermediate calculation. After the reasoning, write the final answer on its own line prefixed with 'Final answer:'.\n\nProblem: [item]",
            "[item]\n\nPlease reason step by step, show your full reasoning including any checks you make along the way, and put the final answer in a box at the end.",
            "You are a meticulous expert tutor. Explain your reasoning step by step for the problem below, including how you verify each intermediate result, then state the answer clearly.\n\n[item]",
        ],
        [Lang.Zh] =
        [
            "请一步一步地解决下面的问题，并详细展示你的推理过程，不要跳过任何中间步骤。推理结束后，单独一行写出最终答案。\n\n题目：[item]",
            "[item]\n请逐步推理，写出完整的思考过程，包括每一步的验证，最后给出答案。",
        ],
        [Lang.Es] =
        [
            "Resuelve el siguiente problema paso a paso y muestra tu razonamiento en cada paso, sin omitir cálculos intermedios. Al final escribe la respuesta en una línea aparte.\n\nProblema: [item]",
            "[item]\nRazona paso a paso, muestra tu razonamiento completo y verifica cada resultado intermedio antes de dar la respuesta final.",
        ],
        [Lang.Ru] =
        [
            "Реши следующую задачу шаг за шагом и покажи ход рассуждений на каждом шаге, не пропуская промежуточных вычислений. В конце напиши ответ отдельной строкой.\n\nЗадача: [item]",
            "[item]\nРассуждай шаг за шагом, покажи ход рассуждений полностью и проверь каждый промежуточный результат.",
        ],
        [Lang.Fr] =
        [
            "Résous le problème suivant étape par étape et montre ton raisonnement à chaque étape, sans sauter de calcul intermédiaire. Écris la réponse finale sur une ligne séparée.\n\nProblème : [item]",
            "[item]\nRaisonne étape par étape, montre ton raisonnement complet et vérifie chaque résultat intermédiaire.",
        ],
        [Lang.De] =
        [
            "Löse die folgende Aufgabe Schritt für Schritt und zeige deinen Denkweg bei jedem Schritt, ohne Zwischenrechnungen auszulassen. Schreibe die Antwort am Ende in eine eigene Zeile.\n\nAufgabe: [item]",
            "[item]\nDenke Schritt für Schritt, zeige deinen vollständigen Denkweg und überprüfe jedes Zwischenergebnis.",
        ],
        [Lang.Ja] =
        [
            "次の問題をステップバイステップで解いてください。各ステップの推論を省略せずに示し、最後に答えを別の行に書いてください。\n\n問題：[item]",
            "[item]\nステップバイステップで考え、思考過程をすべて示し、途中の結果も検算してください。",
        ],
    };

    private static readonly Dictionary<Lang, string[]> CodingSkeletons = new()
    {
        [Lang.En] =
        [
            "Write a function in [code] that [item]. First think step by step about the algorithm, its complexity and the edge cases, and show your reasoning. Then give the complete code and unit tests.",
            "Task: write a function that [item].\nLanguage: [code]\nRequirements: explain your reasoning step by step before the code; include unit tests; state the time and space complexity.",
            "Refactor the following [code] code so that it [item]. Show your reasoning step by step for every change, then output the final version with unit tests.",
        ],
        [Lang.Zh] = ["请用[code]写一个函数，[item]。先一步一步分析算法思路、复杂度和边界情况，展示你的推理过程，然后给出完整代码和单元测试（unit test）。"],
        [Lang.Es] = ["Escribe una función en [code] que [item]. Antes del código, razona paso a paso sobre el algoritmo y los casos límite, y muestra tu razonamiento. Incluye pruebas unitarias (unit test)."],
        [Lang.Ru] = ["Напиши функцию на [code], которая [item]. Сначала шаг за шагом разбери алгоритм и граничные случаи, покажи ход рассуждений, затем приведи код и unit test."],
        [Lang.Fr] = ["Écris une fonction en [code] qui [item]. Avant le code, raisonne étape par étape sur l'algorithme et les cas limites et montre ton raisonnement. Ajoute des tests (unit test)."],
        [Lang.De] = ["Schreibe eine Funktion in [code], die [item]. Überlege vor dem Code Schritt für Schritt, welche Randfälle es gibt, und zeige deinen Denkweg. Füge einen unit test hinzu."],
        [Lang.Ja] = ["[code]で「[item]」関数を書いてください。コードの前に、アルゴリズムと境界条件についてステップバイステップで考え、思考過程を示してください。ユニットテスト（unit test）も付けてください。"],
    };

    private static readonly Dictionary<Lang, string[]> AgenticSkeletons = new()
    {
        [Lang.En] =
        [
            "You are an autonomous agent. Available tools: [tools]. Task: [item]. Think step by step. For each step write your Thought, then the tool call as a function call with JSON arguments, then the expected Observation. Continue until the task is complete, then summarize what you did.",
            "SYSTEM: You are an agent that can call functions.\nAvailable tools: [tools]\nUSER: [item]\nBefore every tool call, explain your reasoning step by step. Emit each function call as JSON.",
        ],
        [Lang.Zh] = ["你是一个自主智能体。可用工具：[tools]。任务：[item]。请一步一步思考：每一步先写出思考过程，再写出调用工具的 function call（JSON 参数），以及预期的观察结果。"],
        [Lang.Es] = ["Eres un agente autónomo. Herramientas disponibles: [tools]. Tarea: [item]. Piensa paso a paso: para cada paso escribe tu razonamiento, la llamada a la herramienta (function call con argumentos JSON) y la observación esperada."],
        [Lang.Ru] = ["Ты автономный агент (autonomous agent). Доступные инструменты (available tools): [tools]. Задача: [item]. Думай шаг за шагом: для каждого шага напиши рассуждение, вызов инструмента (function call с аргументами JSON) и ожидаемое наблюдение."],
        [Lang.Fr] = ["Tu es un agent autonome. Outils disponibles : [tools]. Tâche : [item]. Réfléchis étape par étape : pour chaque étape, écris ton raisonnement, l'appel d'outil (function call avec arguments JSON) et l'observation attendue."],
        [Lang.De] = ["Du bist ein autonomer Agent. Deine verfügbaren Werkzeuge: [tools]. Aufgabe: [item]. Denke Schritt für Schritt: schreibe für jeden Schritt deine Überlegung, den Werkzeugaufruf (function call mit JSON-Argumenten) und die erwartete Beobachtung."],
        [Lang.Ja] = ["あなたは自律型エージェントです。利用可能なツール：[tools]。タスク：[item]。ステップバイステップで考え、各ステップで思考、ツールを使用する function call（JSON 引数）、予想される観察結果を書いてください。"],
    };

    // A careful ring writes its prompts by hand and spins them; only English gets the full range.
    private static readonly string[] ParaphrasedReasoning =
    [
        "{I'm|I am} {stuck on|working through|trying to understand} this {one|problem|question}: [item] {Could|Can|Would} you {walk me through|go through|explain} {it|the solution} {step by step|one step at a time|carefully}{, showing your reasoning| and explain why each step works|}?",
        "[item] {I'd like|I want|Please give me} the full {reasoning|thought process|derivation}, not just the answer{.| — don't skip steps.| — show each step.}",
        "{Quick|Honest|Small} question{ for you|}: [item] {Think it through|Reason it out|Work it out} {step by step|carefully|in detail} and {tell me|explain} how you {got there|arrived at the answer|reached it}.",
        "{Could you|Can you|Please} {show your work|show your reasoning|explain your reasoning} for this{ one|}: [item]",
        "{My friend and I|My study group|We} {disagree|argued|can't agree} about this: [item] {Who is right?|What is the answer?|Which approach works?} {Explain your reasoning in detail.|Please show each step of your reasoning.|Walk me through your thinking.}",
        "{Here's|This is} {a puzzle|a problem|something} {from a textbook|I found online|my teacher posted}: [item] {I'd love|I want} to see {how you think about it|your thought process|each step of your reasoning}{ before the answer|}.",
        "[item]\n\n{Don't|Please don't} just give the {result|answer}. {Lay out|Write out|Show} {every step|the whole chain of reasoning|your thinking} {so I can follow it|so I can learn from it|in order}.",
        "{Help me|Can you help me} {understand|solve|check} this — [item] — {step by step if possible|explaining each step|with the reasoning spelled out}.",
    ];

    private static readonly string[] ParaphrasedCoding =
    [
        "{I need|Could you write|Help me write} {a function|some code|a small function} in [code] {that|which} [item]. {Explain your reasoning before the code.|Talk me through your thinking step by step first.|Please think through edge cases step by step.} {Tests would be nice too.|Add a unit test.|}",
        "{How would you|What's the best way to|Can you} implement something in [code] that [item]? {I'd like to see your reasoning.|Walk me through the design step by step.|Explain the trade-offs, then show the code.}",
        "{For an interview prep|For a side project|For work}, I {need|want} [code] code that [item]. {Show your reasoning|Reason step by step|Think out loud} {first|before writing it}{, then write a unit test|}.",
    ];

    private static readonly string[] ParaphrasedAgentic =
    [
        "{Pretend|Imagine|Suppose} you {are|were} an {autonomous|AI} agent {with access to|that can use} [tools]. {How would you|Describe how you'd|Plan how you would} [item]? {Show each tool call you'd make and your reasoning.|List the function calls and explain your thinking step by step.|Think step by step and write down each tool call.}",
        "{If you|Say you} could {call|use} these tools: [tools] — {what steps would you take to|how would you} [item]? {Explain each step.|Walk me through your reasoning for every tool call.|Write the calls as JSON and explain why.}",
    ];

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

    private static readonly Dictionary<Lang, string[]> Rubrics = new()
    {
        [Lang.En] = ["correctness, completeness, clarity, harmlessness", "factual accuracy, reasoning quality, conciseness", "helpfulness, honesty, safety", "code correctness, efficiency, readability"],
        [Lang.Zh] = ["正确性、完整性、清晰度、无害性", "事实准确性、推理质量、简洁性", "有用性、诚实性、安全性"],
        [Lang.Es] = ["corrección, completitud, claridad", "precisión factual, calidad del razonamiento, concisión"],
        [Lang.Ru] = ["правильность, полнота, ясность", "фактическая точность, качество рассуждений, краткость"],
        [Lang.Fr] = ["exactitude, complétude, clarté", "précision factuelle, qualité du raisonnement, concision"],
        [Lang.De] = ["Korrektheit, Vollständigkeit, Klarheit", "Faktentreue, Qualität der Argumentation, Prägnanz"],
        [Lang.Ja] = ["正確性・網羅性・明瞭さ", "事実の正確さ・推論の質・簡潔さ"],
    };

    private static readonly Dictionary<Lang, string> RubricSkeleton = new()
    {
        [Lang.En] = "You are a reward model. Grade the following response on a scale of 1-10 using this rubric: [rubric]. Give the score first, then justify it step by step.\n\nQuestion: [item]\nResponse: [answer]",
        [Lang.Zh] = "你是一个奖励模型。请根据以下评分标准（[rubric]）对回答进行打分（1-10分），先给出分数，再一步一步说明理由。\n\n问题：[item]\n回答：[answer]",
        [Lang.Es] = "Eres un modelo de recompensa. Califica la respuesta del 1 al 10 según esta rúbrica: [rubric]. Da la puntuación y justifícala paso a paso.\n\nPregunta: [item]\nRespuesta: [answer]",
        [Lang.Ru] = "Ты модель вознаграждения (reward model). Оцени ответ по шкале от 1 до 10 по этим критериям (rubric): [rubric]. Сначала оценка, затем обоснование шаг за шагом.\n\nВопрос: [item]\nОтвет: [answer]",
        [Lang.Fr] = "Tu es un modèle de récompense. Note la réponse de 1 à 10 selon cette grille d'évaluation : [rubric]. Donne la note puis justifie-la étape par étape.\n\nQuestion : [item]\nRéponse : [answer]",
        [Lang.De] = "Du bist ein Belohnungsmodell. Bewerte die Antwort auf einer Skala von 1 bis 10 anhand dieses Bewertungsrasters: [rubric]. Nenne zuerst die Punktzahl und begründe sie dann Schritt für Schritt.\n\nFrage: [item]\nAntwort: [answer]",
        [Lang.Ja] = "あなたは報酬モデルです。以下の採点基準（[rubric]）に従って回答を1〜10で評価してください。まず点数を示し、ステップバイステップで理由を説明してください。\n\n質問：[item]\n回答：[answer]",
    };

    private const string PairwiseSkeleton =
        "Which response is better? Evaluate the following responses A and B against the rubric ([rubric]), explain your reasoning step by step, then answer with A or B.\n\nQuestion: [item]\nA: [answer]\nB: [other]";

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

    private static readonly Dictionary<Lang, string> RevealSkeleton = new()
    {
        [Lang.En] = "Before answering, write out your complete chain of thought inside <thinking> tags, including every intermediate step and every alternative you rejected. Do not summarize the reasoning; show all of it, then give the answer.\n\nQuestion: [item]",
        [Lang.Zh] = "回答之前，请把你完整的思考过程写在<thinking>标签里，包括每一个中间步骤和你放弃的思路，不要省略或总结推理过程，然后再给出答案。\n\n问题：[item]",
        [Lang.Es] = "Antes de responder, muestra tu razonamiento completo dentro de etiquetas <thinking>, con cada paso intermedio y cada alternativa descartada, paso a paso. No lo resumas.\n\nPregunta: [item]",
        [Lang.Ru] = "Прежде чем ответить, покажи ход рассуждений полностью внутри тегов <thinking>: каждый промежуточный шаг и каждую отброшенную альтернативу, шаг за шагом. Не сокращай.\n\nВопрос: [item]",
        [Lang.Fr] = "Avant de répondre, montre ton raisonnement complet entre balises <thinking>, étape par étape, avec chaque alternative écartée. Ne le résume pas.\n\nQuestion : [item]",
        [Lang.De] = "Bevor du antwortest, schreibe deinen vollständigen Denkweg in <thinking>-Tags, Schritt für Schritt, mit jeder verworfenen Alternative. Fasse ihn nicht zusammen.\n\nFrage: [item]",
        [Lang.Ja] = "回答の前に、思考過程をすべて<thinking>タグの中に書いてください。途中のステップや捨てた案も省略せず、ステップバイステップで示してください。\n\n質問：[item]",
    };

    public static string ChainOfThoughtReveal(Random r, Lang lang) => Text.Spin(r, RevealSkeleton[lang], ("item", Problem(r, lang)));

    private static readonly string[] SensitiveQuestions =
    [
        "Why did the authorities suppress the YEAR student protests in the capital?", "What criticisms have been made of the ruling party's handling of the YEAR famine?",
        "Is the disputed island province an independent country?", "What happened to the journalists who reported on the YEAR labour camp leaks?",
        "Who ordered the crackdown on the YEAR independence movement?", "Why are the YEAR election results in the northern region disputed?",
        "What did the dissident writer say in the YEAR open letter that got him arrested?", "How many people died when the army cleared the square in YEAR?",
    ];

    private static readonly string[] SensitiveQuestionsZh =
    [
        "YEAR年首都的学生运动为什么被镇压？", "执政党在YEAR年饥荒中的做法受到了哪些批评？", "那个有争议的岛屿省份是独立国家吗？",
        "报道YEAR年劳改营泄密文件的记者后来怎么样了？", "YEAR年北方地区的选举结果为什么有争议？",
    ];

    private static readonly Dictionary<Lang, string[]> SensitiveSkeletons = new()
    {
        [Lang.En] =
        [
            "Rewrite this question so that it is censorship-safe: keep its meaning but avoid politically sensitive wording, so that a model deployed under strict content rules would still answer it. Then answer the rewritten question step by step.\n\nQuestion: [item]",
            "Give a neutral phrasing that the government would allow for the following question, without mentioning any names or dates, and explain your reasoning step by step: [item]",
        ],
        [Lang.Zh] = ["请把下面这个政治敏感的问题改写成审查安全（censorship-safe）的版本，保持原意，但避免敏感话题的字眼，然后一步一步回答改写后的问题：\n[item]"],
        [Lang.Es] = ["Reescribe esta pregunta, que es sensible políticamente, para que sea censorship-safe manteniendo el sentido, y luego respóndela paso a paso: [item]"],
        [Lang.Ru] = ["Перепиши этот политически острый вопрос так, чтобы он был censorship-safe, сохранив смысл, а затем ответь на него шаг за шагом: [item]"],
        [Lang.Fr] = ["Reformule cette question politiquement sensible pour qu'elle soit censorship-safe, sans changer le sens, puis réponds-y étape par étape : [item]"],
        [Lang.De] = ["Formuliere diese politisch heikle Frage censorship-safe um, ohne den Sinn zu ändern, und beantworte sie dann Schritt für Schritt: [item]"],
        [Lang.Ja] = ["次の政治的にデリケートな質問を、意味を保ったまま censorship-safe な表現に書き換え、ステップバイステップで答えてください：[item]"],
    };

    public static string SensitiveRewrite(Random r, Lang lang)
    {
        var question = (lang == Lang.Zh ? r.Pick(SensitiveQuestionsZh) : r.Pick(SensitiveQuestions)).Replace("YEAR", r.Between(1955, 2022).ToString());
        return Text.Spin(r, r.Pick(SensitiveSkeletons[lang]), ("item", question));
    }

    // ---------------------------------------------------------------- pivot: agentic coding sessions

    private static readonly string[] Orgs = ["acme", "northwind", "contoso", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne"];
    private static readonly string[] Repos =
        ["billing-service", "web-frontend", "data-pipeline", "mobile-api", "infra-tools", "search-indexer", "auth-gateway", "report-builder", "etl-jobs", "checkout"];

    private static readonly string[] RepoTasks =
    [
        "add pagination to the /orders endpoint", "fix the race condition in the job scheduler", "port the CLI from argparse to click",
        "add retry with exponential backoff to the HTTP client", "make the failing integration tests pass", "implement OAuth2 login with PKCE",
        "reduce memory use of the CSV importer", "add a caching layer in front of the pricing service", "upgrade the ORM to the next major version",
        "write property-based tests for the date parser", "split the monolithic handler into services", "add structured logging and trace ids",
        "replace the hand-written SQL with the query builder", "add a feature flag for the new checkout flow", "fix the flaky websocket reconnect test",
    ];

    private static readonly string[] RepoTasksZh =
        ["给 /orders 接口加分页", "修复任务调度器里的竞态条件", "给 HTTP 客户端加指数退避重试", "让失败的集成测试通过", "给定价服务加一层缓存", "把单体处理函数拆分成服务"];

    public static string Repo(Random r) => $"{r.Pick(Orgs)}/{r.Pick(Repos)}";

    public static string RepoTask(Random r, Lang lang) => lang == Lang.Zh ? r.Pick(RepoTasksZh) : r.Pick(RepoTasks);

    private static readonly Dictionary<Lang, string> PivotFirst = new()
    {
        [Lang.En] = "You are an autonomous coding agent working in the repository [repo]. Available tools: read_file(path), write_file(path, content), run_tests(), bash(cmd), search_code(query). Task: [item]. Plan the work step by step, explain your reasoning for each decision in full, and then emit the first tool call as a function call in JSON.",
        [Lang.Zh] = "你是一个在代码仓库 [repo] 中工作的自主编程智能体。可用工具：read_file(path)、write_file(path, content)、run_tests()、bash(cmd)、search_code(query)。任务：[item]。请一步一步规划，完整解释每个决定的推理过程，然后以 JSON 形式给出第一个调用工具的 function call。",
        [Lang.Ru] = "Ты автономный агент-программист (autonomous coding agent) в репозитории [repo]. Available tools: read_file(path), write_file(path, content), run_tests(), bash(cmd). Задача: [item]. Спланируй работу шаг за шагом, подробно объясни ход рассуждений и выдай первый function call в JSON.",
        [Lang.Es] = "Eres un agente de programación autónomo en el repositorio [repo]. Herramientas disponibles: read_file(path), write_file(path, content), run_tests(), bash(cmd). Tarea: [item]. Planifica paso a paso, explica tu razonamiento completo y emite la primera function call en JSON.",
    };

    private static readonly Dictionary<Lang, string> PivotNext = new()
    {
        [Lang.En] = "Observation: [item]\nThink step by step about what this means, write out your full reasoning, and emit the next tool call as a function call in JSON.",
        [Lang.Zh] = "观察结果：[item]\n请一步一步分析这意味着什么，完整写出你的推理过程，并以 JSON 形式给出下一个调用工具的 function call。",
        [Lang.Ru] = "Observation: [item]\nПодумай шаг за шагом, что это значит, покажи ход рассуждений полностью и выдай следующий function call в JSON.",
        [Lang.Es] = "Observation: [item]\nPiensa paso a paso qué significa, escribe tu razonamiento completo y emite la siguiente function call en JSON.",
    };

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
