using System.Buffers;
using System.Text;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using Risk.Contracts;

namespace Risk.Edge;

/// <summary>
/// Turns prompt text into <see cref="PromptSignals"/> inside the gateway's process: which extraction patterns
/// it matches (in several languages), a SimHash for near-duplicate templates, and for extraction prompts the
/// MinHash keys of their phrasing (content families). The text itself is dropped.
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
        return new PromptSignals(kinds, SimHashOfLower(lower), prompt.Length, kinds == PromptKinds.None ? 0 : FamiliesOfLower(lower));
    }

    private const int MinHashes = PromptSignals.FamilyBands;

    /// <summary>
    /// The content families of a prompt (<see cref="PromptSignals.Families"/>): a MinHash of
    /// <see cref="PromptSignals.FamilyBands"/> values over its word pairs (letters only, so the numbers and symbols a
    /// slot fills in do not count; letter trigrams for scripts written without spaces), each hashed to a key. Each
    /// key is in effect one of the prompt's word pairs, picked by the same rule for every prompt, so two prompts
    /// share a band's key with probability J, the Jaccard similarity of their pairs, and an account's recurring keys
    /// are a sample of its recurring phrasing. Keys of two values per band would be more specific, but a paraphrased
    /// skeleton with a fresh item in its slot then rarely brings the same key back.
    /// </summary>
    private static ulong FamiliesOfLower(string lower)
    {
        Span<ulong> mins = stackalloc ulong[MinHashes];
        mins.Fill(ulong.MaxValue);
        var shingles = CountSpaces(lower) * 12 >= lower.Length ? WordPairs(lower, mins) : LetterTrigrams(lower, mins);
        if (shingles == 0) return 0;
        ulong families = 0;
        const ulong mask = (1UL << PromptSignals.FamilyKeyBits) - 1;
        for (var band = 0; band < PromptSignals.FamilyBands; band++)
        {
            var key = Mix((ulong)band + 1, mins[band], 0) & mask;
            families |= (key == 0 ? 1 : key) << (PromptSignals.FamilyKeyBits * band);
        }
        return families;
    }

    private static int WordPairs(string text, Span<ulong> mins)
    {
        ulong previous = 0;
        var words = 0;
        var span = text.AsSpan();
        for (var i = 0; i < span.Length;)
        {
            if (!char.IsLetter(span[i]) && span[i] != '\'') { i++; continue; }
            var start = i;
            while (i < span.Length && (char.IsLetter(span[i]) || span[i] == '\'')) i++;
            var h = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(span[start..i]));
            if (++words >= 2) MinOf(Mix(0, previous, h), mins);
            previous = h;
        }
        if (words == 1) MinOf(previous, mins);
        return words;
    }

    private static int LetterTrigrams(string text, Span<ulong> mins)
    {
        var chars = text.AsSpan();
        var count = 0;
        for (var i = 0; i + 2 < chars.Length; i++)
        {
            if (!char.IsLetter(chars[i]) || !char.IsLetter(chars[i + 1]) || !char.IsLetter(chars[i + 2])) continue;
            MinOf(XxHash64.HashToUInt64(MemoryMarshal.AsBytes(chars.Slice(i, 3))), mins);
            count++;
        }
        return count;
    }

    /// <summary>One shingle's hash under each of the MinHash's functions (a seeded finaliser each), kept where lower.</summary>
    private static void MinOf(ulong hash, Span<ulong> mins)
    {
        for (var j = 0; j < mins.Length; j++)
        {
            var z = (hash ^ Seeds[j]) * 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9UL;
            z ^= z >> 29;
            if (z < mins[j]) mins[j] = z;
        }
    }

    private static readonly ulong[] Seeds =
    [
        0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0,
    ];

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
