using System.Collections.Concurrent;
using System.Text;

namespace Risk.Simulation;

/// <summary>
/// A prompt corpus: the constant word lists and skeletons the generators draw from, kept in an embedded text
/// resource (<c>Corpora/NAME.txt</c>) so that the generator classes hold only the logic that combines them.
/// <para>
/// The format is line based, UTF-8:
/// </para>
/// <list type="bullet">
/// <item><c>[Name]</c> starts a section, and each following line up to the next section is one entry, in order.
/// A name is one or more capitalised identifiers joined by dots; a table per language is a family of sections
/// named <c>Table.Lang</c>, such as <c>[ReasoningSkeletons.Zh]</c>. A name appears once per file.</item>
/// <item>Blank lines and lines starting with <c>#</c> are ignored. Spaces and tabs around a line are trimmed.</item>
/// <item>Escapes: <c>\n</c> newline, <c>\t</c> tab, <c>\\</c> backslash, <c>\s</c> a space (one at either end of an
/// entry, which trimming would drop), <c>\[</c> and <c>\#</c> for an entry that starts with <c>[</c> or <c>#</c>,
/// and <c>\e</c> for nothing, so that a line holding only <c>\e</c> is the empty entry.</item>
/// </list>
/// <para>
/// Any other line starting with <c>[</c>, an entry before the first section, an empty section or an unknown
/// escape is an error, so a template that begins with a slot such as <c>[item]</c> cannot silently become a
/// section. Order and exact text matter: the generators pick entries by index, so editing a list changes
/// every run of the simulator.
/// </para>
/// </summary>
internal sealed class Corpus
{
    private static readonly ConcurrentDictionary<string, Lazy<Corpus>> Loaded = new(StringComparer.Ordinal);

    private readonly string _name;
    private readonly Dictionary<string, string[]> _sections;

    private Corpus(string name, Dictionary<string, string[]> sections)
    {
        _name = name;
        _sections = sections;
    }

    /// <summary>The corpus in the resource <c>Risk.Simulation.Corpora.NAME.txt</c>, read once per process.</summary>
    public static Corpus Load(string name) =>
        Loaded.GetOrAdd(name, n => new Lazy<Corpus>(() => Read(n))).Value;

    /// <summary>A section's entries; a missing section throws, naming it and the file.</summary>
    public string[] this[string section] =>
        _sections.TryGetValue(section, out var entries)
            ? entries
            : throw new KeyNotFoundException($"Corpora/{_name}.txt has no section [{section}].");

    /// <summary>The single entry of a section that holds one text, such as a skeleton.</summary>
    public string One(string section)
    {
        var entries = this[section];
        return entries.Length == 1
            ? entries[0]
            : throw new InvalidDataException($"Section [{section}] of Corpora/{_name}.txt holds {entries.Length} entries, not one.");
    }

    /// <summary>A table per language: every section named <c>table.Lang</c>, keyed by the language.</summary>
    public Dictionary<Lang, string[]> PerLanguage(string table)
    {
        var prefix = table + ".";
        var result = new Dictionary<Lang, string[]>();
        foreach (var (section, entries) in _sections)
        {
            if (!section.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (!Enum.TryParse<Lang>(section[prefix.Length..], ignoreCase: false, out var lang))
                throw new InvalidDataException($"Section [{section}] of Corpora/{_name}.txt does not end in a language.");
            result.Add(lang, entries);
        }
        return result.Count > 0
            ? result
            : throw new KeyNotFoundException($"Corpora/{_name}.txt has no section [{table}.Lang] for any language.");
    }

    /// <summary>A table per language of single texts: every section <c>table.Lang</c> holding one entry.</summary>
    public Dictionary<Lang, string> OnePerLanguage(string table) =>
        PerLanguage(table).ToDictionary(e => e.Key, e => One($"{table}.{e.Key}"));

    private static Corpus Read(string name)
    {
        var resource = $"Risk.Simulation.Corpora.{name}.txt";
        using var stream = typeof(Corpus).Assembly.GetManifestResourceStream(resource)
            ?? throw new FileNotFoundException($"The corpus resource {resource} is not embedded in the assembly.", resource);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        var number = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            var text = line.Trim(' ', '\t');
            if (text.Length == 0 || text[0] == '#') continue;
            if (text[0] == '[')
            {
                var section = text.Length > 2 && text[^1] == ']' ? text[1..^1] : "";
                if (!IsSectionName(section))
                    throw Error(name, number, "a line starting with [ must be a section such as [Names]; escape an entry's leading [ as \\[");
                current = [];
                if (!sections.TryAdd(section, current)) throw Error(name, number, $"section [{section}] appears twice");
                continue;
            }
            if (current is null) throw Error(name, number, "an entry before the first section");
            current.Add(Unescape(text, name, number));
        }
        foreach (var (section, entries) in sections)
            if (entries.Count == 0) throw new InvalidDataException($"Section [{section}] of Corpora/{name}.txt has no entries.");
        return new Corpus(name, sections.ToDictionary(s => s.Key, s => s.Value.ToArray(), StringComparer.Ordinal));
    }

    private static bool IsSectionName(string section)
    {
        var start = true;
        foreach (var c in section)
        {
            if (start ? !char.IsAsciiLetterUpper(c) : c != '.' && !char.IsAsciiLetterOrDigit(c)) return false;
            start = c == '.';
        }
        return section.Length > 0 && !start;
    }

    private static string Unescape(string text, string name, int number)
    {
        if (!text.Contains('\\')) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                sb.Append(text[i]);
                continue;
            }
            if (++i == text.Length) throw Error(name, number, "a lone \\ at the end of the line");
            switch (text[i])
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 's': sb.Append(' '); break;
                case 'e': break;
                case '\\' or '[' or '#': sb.Append(text[i]); break;
                default: throw Error(name, number, $"unknown escape \\{text[i]}");
            }
        }
        return sb.ToString();
    }

    private static InvalidDataException Error(string name, int number, string problem) =>
        new($"Corpora/{name}.txt, line {number}: {problem}.");
}
