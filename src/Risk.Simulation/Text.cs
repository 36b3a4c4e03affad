using System.Text;

namespace Risk.Simulation;

/// <summary>Assembling prompt text from templates, and a tokenizer-free estimate of its size.</summary>
internal static class Text
{
    /// <summary>
    /// Expands spintax, the way prompt farms paraphrase: <c>{a|b|c}</c> picks one alternative (an empty one
    /// is allowed), then each <c>[name]</c> is replaced by its slot value. Slot values are not expanded again,
    /// so they may hold braces (code) freely.
    /// </summary>
    public static string Spin(Random rng, string template, params (string Name, string Value)[] slots)
    {
        var sb = new StringBuilder(template.Length + 64);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }
            var end = template.IndexOf('}', i);
            var options = template.Substring(i + 1, end - i - 1).Split('|');
            sb.Append(options[rng.Next(options.Length)]);
            i = end;
        }
        foreach (var (name, value) in slots) sb.Replace("[" + name + "]", value);
        return sb.ToString();
    }

    /// <summary>
    /// Roughly what a BPE tokenizer yields: about four characters per token for Latin and Cyrillic text,
    /// a little over one per token for CJK.
    /// </summary>
    public static int Tokens(string text)
    {
        var latin = 0;
        var other = 0;
        foreach (var ch in text)
        {
            if (ch < 0x0500) latin++;
            else other++;
        }
        return Math.Max(1, latin / 4 + (int)(other * 0.8));
    }

    public static string OneOf(this Random rng, params string[] options) => options[rng.Next(options.Length)];
}
