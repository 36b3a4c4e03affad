using System.Buffers;
using System.Text;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// Turns prompt text into <see cref="PromptSignals"/> inside the gateway's process: which extraction patterns
/// it matches (in several languages) and a SimHash for near-duplicate templates. The text itself is dropped.
/// This runs on every request a gateway sees, so it allocates little: one multi-string search per pattern
/// family and one lower-cased copy of the text.
/// </summary>
public static class PromptFeatures
{
    private static readonly (PromptKinds Kind, SearchValues<string> Ascii, SearchValues<string> Other)[] Patterns =
    [
        Family(PromptKinds.ChainOfThought,
            "step by step", "step-by-step", "show your reasoning", "show your work", "explain your reasoning",
            "chain of thought", "chain-of-thought", "think through", "reasoning trace", "walk me through your thinking",
            "full reasoning", "internal reasoning", "each step",
            "paso a paso", "muestra tu razonamiento", "étape par étape", "montre ton raisonnement",
            "schritt für schritt", "denkweg", "passo a passo", "шаг за шагом", "покажи ход рассуждений",
            "一步一步", "逐步", "推理过程", "思考过程", "ステップバイステップ", "段階的に", "思考過程", "단계별로", "추론 과정"),
        Family(PromptKinds.Rubric,
            "rubric", "grade the following", "grade this response", "score the response", "rate the response",
            "rate the answer", "on a scale of 1", "score from 1", "score of 1-10", "evaluate the following response",
            "which response is better", "reward model", "preference pair",
            "rúbrica", "califica la respuesta", "grille d'évaluation", "note la réponse", "bewertungsraster",
            "bewerte die antwort", "评分标准", "打分", "评估以下回答", "採点基準", "評価してください", "채점 기준"),
        Family(PromptKinds.Agentic,
            "you are an agent", "you are an autonomous", "available tools", "use the following tools", "tool call",
            "function call", "call the tool", "tool_use", "observation:", "action input", "run this command",
            "in the terminal", "browse to", "click on", "computer use", "plan the next action",
            "herramientas disponibles", "outils disponibles", "verfügbaren werkzeuge", "可用工具", "调用工具", "ツールを使用"),
        Family(PromptKinds.Coding,
            "write a function", "implement", "refactor", "unit test", "fix the bug", "stack trace", "```",
            "def ", "class ", "public static", "function(", "#include", "sql query", "regex",
            "escribe una función", "écris une fonction", "schreibe eine funktion", "编写函数", "写一个函数", "関数を書いて"),
        Family(PromptKinds.SensitiveRewrite,
            "censorship-safe", "censorship safe", "politically sensitive", "rewrite this question so", "avoid sensitive",
            "without mentioning", "neutral phrasing", "government would allow", "sensitive topic",
            "敏感话题", "政治敏感", "改写这个问题", "sensible políticamente", "politiquement sensible"),
    ];

    public static PromptSignals Extract(string prompt)
    {
        var lower = prompt.ToLowerInvariant();
        var kinds = PromptKinds.None;
        var ascii = Ascii.IsValid(lower);
        foreach (var (kind, asciiCues, otherCues) in Patterns)
            if (lower.AsSpan().ContainsAny(asciiCues) || !ascii && lower.AsSpan().ContainsAny(otherCues)) kinds |= kind;
        return new PromptSignals(kinds, SimHashOfLower(lower), prompt.Length);
    }

    /// <summary>
    /// 64-bit SimHash over word trigrams (character trigrams for scripts written without spaces), so that
    /// templates whose slots are filled differently land within a few bits of each other. Case is ignored.
    /// </summary>
    public static ulong SimHash(string text) => SimHashOfLower(text.ToLowerInvariant());

    private static ulong SimHashOfLower(string lower)
    {
        Span<int> votes = stackalloc int[64];
        var shingles = CountSpaces(lower) * 12 >= lower.Length ? WordTrigrams(lower, votes) : CharTrigrams(lower, votes);
        if (shingles == 0) return 0;
        ulong result = 0;
        for (var bit = 0; bit < 64; bit++) if (votes[bit] > 0) result |= 1UL << bit;
        return result;
    }

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    // ASCII cues get the vectorised search; the others are only looked for in text that is not all ASCII.
    private static (PromptKinds, SearchValues<string>, SearchValues<string>) Family(PromptKinds kind, params string[] cues) =>
        (kind,
         SearchValues.Create(cues.Where(c => Ascii.IsValid(c)).ToArray(), StringComparison.Ordinal),
         SearchValues.Create(cues.Where(c => !Ascii.IsValid(c)).ToArray(), StringComparison.Ordinal));

    private static int WordTrigrams(string text, Span<int> votes)
    {
        ulong w1 = 0, w2 = 0;
        var words = 0;
        foreach (var range in text.AsSpan().SplitAny(" \t\r\n"))
        {
            var word = text.AsSpan(range);
            if (word.IsEmpty) continue;
            var h = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(word));
            words++;
            if (words >= 3) Vote(Mix(w1, w2, h), votes);
            (w1, w2) = (w2, h);
        }
        if (words is > 0 and < 3) Vote(Mix(0, w1, w2), votes);
        return words;
    }

    private static int CharTrigrams(string text, Span<int> votes)
    {
        var chars = text.AsSpan();
        var count = 0;
        for (var i = 0; i + 2 < chars.Length; i++)
        {
            if (char.IsWhiteSpace(chars[i])) continue;
            Vote(XxHash64.HashToUInt64(MemoryMarshal.AsBytes(chars.Slice(i, 3))), votes);
            count++;
        }
        if (count == 0 && chars.Length > 0) { Vote(XxHash64.HashToUInt64(MemoryMarshal.AsBytes(chars)), votes); count = 1; }
        return count;
    }

    private static ulong Mix(ulong a, ulong b, ulong c)
    {
        // splitmix64 finaliser over an order-dependent combination of the three word hashes.
        var z = a * 0x9E3779B97F4A7C15UL ^ BitOperations.RotateLeft(b, 21) ^ BitOperations.RotateLeft(c, 42) + 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static void Vote(ulong hash, Span<int> votes)
    {
        for (var bit = 0; bit < 64; bit++) votes[bit] += (int)((hash >> bit) & 1) * 2 - 1;
    }

    private static int CountSpaces(string text) => text.AsSpan().Count(' ');
}
