using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using Risk.Contracts;

namespace Risk.Silo.OpsConsole;

/// <summary>
/// The console's charts, drawn on the server as inline SVG: the page needs no script, and the policy that forbids
/// script and every other origin stays strict. Colours are SVG attributes, which that policy allows.
/// </summary>
public static class Charts
{
    public static readonly IReadOnlyDictionary<DecisionAction, string> Colours = new Dictionary<DecisionAction, string>
    {
        [DecisionAction.Allow] = "#2e7d32",
        [DecisionAction.Throttle] = "#f9a825",
        [DecisionAction.Challenge] = "#ef6c00",
        [DecisionAction.Block] = "#c62828",
    };

    private const int Width = 960, Height = 220, Left = 56, Right = 16, Top = 12, Bottom = 28;

    /// <summary>Decisions per bucket over the window ending now, stacked by action (allow at the bottom).</summary>
    public static IHtmlContent Decisions(IReadOnlyList<TallyBucket> buckets, DateTime now, TimeSpan window)
    {
        var first = TallyBucket.StartOf(now - window) + TallyBucket.Width;
        var slots = (int)(window.Ticks / TallyBucket.Width.Ticks);
        var byStart = buckets.ToDictionary(b => b.Start);
        var max = Math.Max(1, buckets.Count == 0 ? 1 : buckets.Max(b => b.Total));
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var barW = (double)plotW / slots;
        var svg = Open("decisions-chart", $"Decisions by action per {TallyBucket.Width.TotalMinutes:0} minutes over the last {window.TotalHours:0} hours");
        Axis(svg, max, plotW, plotH);
        for (var i = 0; i < slots; i++)
        {
            var start = first + i * TallyBucket.Width;
            if (!byStart.TryGetValue(start, out var bucket)) continue;
            var y = (double)Top + plotH;
            foreach (var action in Enum.GetValues<DecisionAction>())
            {
                var count = bucket.Of(action);
                if (count == 0) continue;
                var h = plotH * count / (double)max;
                y -= h;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + i * barW + 0.5:0.#}\" y=\"{y:0.#}\" width=\"{Math.Max(1, barW - 1):0.#}\" height=\"{h:0.#}\" fill=\"{Colours[action]}\" data-action=\"{Action(action)}\" data-count=\"{count}\">");
                svg.Append(CultureInfo.InvariantCulture, $"<title>{start:HH:mm} UTC: {count} {Action(action)}</title></rect>");
            }
        }
        TimeLabels(svg, first, TallyBucket.Width, slots, barW);
        return Close(svg);
    }

    /// <summary>An account's events per active hour as bars, and its decision score after each as a line (0–100, right).</summary>
    public static IHtmlContent Timeline(IReadOnlyList<TimelinePoint> points)
    {
        var plotW = Width - Left - Right - 24;
        var plotH = Height - Top - Bottom;
        var max = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Events));
        var svg = Open("timeline-chart", "Events per active hour, and the decision score after each");
        Axis(svg, max, plotW, plotH);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotW + 4}\" y=\"{Top + 8}\">100</text><text x=\"{Left + plotW + 4}\" y=\"{Top + plotH}\">0</text>");
        if (points.Count > 0)
        {
            var slotW = (double)plotW / points.Count;
            var line = new StringBuilder();
            for (var i = 0; i < points.Count; i++)
            {
                var p = points[i];
                var h = plotH * p.Events / (double)max;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + i * slotW + 1:0.#}\" y=\"{Top + plotH - h:0.#}\" width=\"{Math.Max(1, slotW - 2):0.#}\" height=\"{h:0.#}\" fill=\"#90a4ae\" data-events=\"{p.Events}\">");
                svg.Append(CultureInfo.InvariantCulture, $"<title>{p.Hour:yyyy-MM-dd HH}:00 UTC: {p.Events} events, score {p.Score:0}</title></rect>");
                line.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? 'M' : 'L')}{Left + (i + 0.5) * slotW:0.#},{Top + plotH * (1 - Math.Clamp(p.Score, 0, 100) / 100):0.#} ");
                if (i == 0 || i == points.Count - 1 || points.Count <= 8)
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + i * slotW + 2:0.#}\" y=\"{Height - 8}\">{p.Hour:MM-dd HH}h</text>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{line.ToString().TrimEnd()}\" fill=\"none\" stroke=\"#6a1b9a\" stroke-width=\"2\" class=\"score-line\"/>");
        }
        return Close(svg);
    }

    public static string Action(DecisionAction action) => action.ToString().ToLowerInvariant();

    private static StringBuilder Open(string id, string title) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(title)}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{WebUtility.HtmlEncode(title)}</title>");

    private static IHtmlContent Close(StringBuilder svg) => new HtmlString(svg.Append("</svg>").ToString());

    private static void Axis(StringBuilder svg, long max, int plotW, int plotH)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Left + plotW}\" y2=\"{Top + plotH}\" stroke=\"#b8c0c8\"/>");
        foreach (var share in new[] { 0.5, 1.0 })
        {
            var y = Top + plotH * (1 - share);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + plotW}\" y2=\"{y:0.#}\" stroke=\"#eceff1\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Math.Round(max * share):0}</text>");
        }
    }

    private static void TimeLabels(StringBuilder svg, DateTime first, TimeSpan width, int slots, double barW)
    {
        var every = Math.Max(1, slots / 6);
        for (var i = 0; i < slots; i += every)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + i * barW:0.#}\" y=\"{Height - 8}\">{first + i * width:HH:mm}</text>");
    }
}
