using System.Globalization;
using System.IO.Hashing;
using System.Numerics;
using System.Text;
using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>
/// Turns prompt text into <see cref="PromptSignals"/> inside the gateway's process: which extraction patterns
/// it matches (in several languages) and a SimHash for near-duplicate templates. The text itself is dropped.
/// </summary>
public static class PromptFeatures
{
    private static readonly (PromptKinds Kind, string[] Cues)[] Patterns =
    [
        (PromptKinds.ChainOfThought,
        [
            "step by step", "step-by-step", "show your reasoning", "show your work", "explain your reasoning",
            "chain of thought", "chain-of-thought", "think through", "reasoning trace", "walk me through your thinking",
            "full reasoning", "internal reasoning", "each step",
            "paso a paso", "muestra tu razonamiento", "étape par étape", "montre ton raisonnement",
            "schritt für schritt", "denkweg", "passo a passo", "шаг за шагом", "покажи ход рассуждений",
            "一步一步", "逐步", "推理过程", "思考过程", "ステップバイステップ", "段階的に", "思考過程", "단계별로", "추론 과정",
        ]),
        (PromptKinds.Rubric,
        [
            "rubric", "grade the following", "grade this response", "score the response", "rate the response",
            "rate the answer", "on a scale of 1", "score from 1", "score of 1-10", "evaluate the following response",
            "which response is better", "reward model", "preference pair",
            "rúbrica", "califica la respuesta", "grille d'évaluation", "note la réponse", "bewertungsraster",
            "bewerte die antwort", "评分标准", "打分", "评估以下回答", "採点基準", "評価してください", "채점 기준",
        ]),
        (PromptKinds.Agentic,
        [
            "you are an agent", "you are an autonomous", "available tools", "use the following tools", "tool call",
            "function call", "call the tool", "tool_use", "observation:", "action input", "run this command",
            "in the terminal", "browse to", "click on", "computer use", "plan the next action",
            "herramientas disponibles", "outils disponibles", "verfügbaren werkzeuge", "可用工具", "调用工具", "ツールを使用",
        ]),
        (PromptKinds.Coding,
        [
            "write a function", "implement", "refactor", "unit test", "fix the bug", "stack trace", "```",
            "def ", "class ", "public static", "function(", "#include", "sql query", "regex",
            "escribe una función", "écris une fonction", "schreibe eine funktion", "编写函数", "写一个函数", "関数を書いて",
        ]),
        (PromptKinds.SensitiveRewrite,
        [
            "censorship-safe", "censorship safe", "politically sensitive", "rewrite this question so", "avoid sensitive",
            "without mentioning", "neutral phrasing", "government would allow", "sensitive topic",
            "敏感话题", "政治敏感", "改写这个问题", "sensible políticamente", "politiquement sensible",
        ]),
    ];

    public static PromptSignals Extract(string prompt)
    {
        var lower = prompt.ToLowerInvariant();
        var kinds = PromptKinds.None;
        foreach (var (kind, cues) in Patterns)
            foreach (var cue in cues)
                if (lower.Contains(cue, StringComparison.Ordinal)) { kinds |= kind; break; }
        return new PromptSignals(kinds, SimHash(lower), prompt.Length);
    }

    /// <summary>
    /// 64-bit SimHash over word trigrams (character 3-grams for scripts written without spaces), so that
    /// templates whose slots are filled differently land within a few bits of each other.
    /// </summary>
    public static ulong SimHash(string lowerText)
    {
        Span<int> votes = stackalloc int[64];
        var count = 0;
        foreach (var shingle in Shingles(lowerText))
        {
            var h = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(shingle));
            for (var bit = 0; bit < 64; bit++) votes[bit] += ((h >> bit) & 1) == 1 ? 1 : -1;
            count++;
        }
        if (count == 0) return 0;
        ulong result = 0;
        for (var bit = 0; bit < 64; bit++) if (votes[bit] > 0) result |= 1UL << bit;
        return result;
    }

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    private static IEnumerable<string> Shingles(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var spaced = words.Length >= 3 && words.Length * 12 >= text.Length;
        if (spaced)
        {
            for (var i = 0; i + 2 < words.Length; i++) yield return string.Join(' ', words, i, 3);
            yield break;
        }
        var elements = StringInfo.GetTextElementEnumerator(text.Replace(" ", ""));
        var chars = new List<string>();
        while (elements.MoveNext()) chars.Add(elements.GetTextElement());
        for (var i = 0; i + 2 < chars.Count; i++) yield return chars[i] + chars[i + 1] + chars[i + 2];
        if (chars.Count is > 0 and < 3) yield return string.Concat(chars);
    }
}
