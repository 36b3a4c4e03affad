using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using Risk.Contracts;

namespace Risk.Silo.OpsConsole;

/// <summary>
/// A cluster drawn as a graph: its member accounts and the IPs, proxies and payment cards that link them, laid out on the
/// server (a force-directed layout from fixed starting points, so the same cluster draws the same way every time).
/// Bounded: the cluster keeps its most recent members only, and each adds at most three linking nodes.
/// </summary>
public sealed class ClusterGraph
{
    public enum NodeKind { Account, Ip, Proxy, Card }

    public sealed record Node(NodeKind Kind, string Id, DecisionAction? Action)
    {
        public double X { get; set; }
        public double Y { get; set; }
    }

    /// <summary>The most accounts drawn, whatever the cluster hands over.</summary>
    public const int MaxAccounts = 100;

    private const int Width = 960, Height = 560, Margin = 24, Iterations = 300;
    private const double Gravity = 3;

    private readonly List<Node> _nodes = [];
    private readonly List<(int From, int To)> _edges = [];
    private readonly Dictionary<(NodeKind, string), int> _index = [];

    public IReadOnlyList<Node> Nodes => _nodes;
    public int Edges => _edges.Count;

    public static ClusterGraph Of(IEnumerable<AccountVerdict> members)
    {
        var graph = new ClusterGraph();
        foreach (var member in members.Take(MaxAccounts))
        {
            var account = graph.Add(NodeKind.Account, member.Account, member.Decision.Action);
            if (member.Ip is { } ip) graph._edges.Add((account, graph.Add(NodeKind.Ip, ip, null)));
            if (member.Proxy is { } proxy) graph._edges.Add((account, graph.Add(NodeKind.Proxy, proxy, null)));
            if (member.Payment is { } card) graph._edges.Add((account, graph.Add(NodeKind.Card, card, null)));
        }
        graph.Layout();
        return graph;
    }

    private int Add(NodeKind kind, string id, DecisionAction? action)
    {
        if (_index.TryGetValue((kind, id), out var at)) return at;
        _nodes.Add(new Node(kind, id, action));
        return _index[(kind, id)] = _nodes.Count - 1;
    }

    /// <summary>Fruchterman–Reingold: linked nodes pull together, all push apart, with a cooling step.</summary>
    private void Layout()
    {
        var n = _nodes.Count;
        if (n == 0) return;
        for (var i = 0; i < n; i++)
        {
            // A spiral: distinct, deterministic starting points.
            var angle = i * 2.399963; // the golden angle
            var radius = 0.45 * Math.Sqrt((i + 0.5) / n);
            (_nodes[i].X, _nodes[i].Y) = (0.5 + radius * Math.Cos(angle), 0.5 + radius * Math.Sin(angle));
        }
        var k = 0.6 * Math.Sqrt(1.0 / n);
        var dx = new double[n];
        var dy = new double[n];
        for (var step = 0; step < Iterations; step++)
        {
            Array.Clear(dx);
            Array.Clear(dy);
            for (var i = 0; i < n; i++)
                for (var j = i + 1; j < n; j++)
                {
                    var (x, y) = (_nodes[i].X - _nodes[j].X, _nodes[i].Y - _nodes[j].Y);
                    var d2 = Math.Max(1e-6, x * x + y * y);
                    var push = k * k / d2;
                    (dx[i], dy[i], dx[j], dy[j]) = (dx[i] + x * push, dy[i] + y * push, dx[j] - x * push, dy[j] - y * push);
                }
            foreach (var (a, b) in _edges)
            {
                var (x, y) = (_nodes[a].X - _nodes[b].X, _nodes[a].Y - _nodes[b].Y);
                var d = Math.Max(1e-3, Math.Sqrt(x * x + y * y));
                var pull = d / k;
                (dx[a], dy[a], dx[b], dy[b]) = (dx[a] - x * pull, dy[a] - y * pull, dx[b] + x * pull, dy[b] + y * pull);
            }
            var temperature = 0.1 * (1 - (double)step / Iterations) + 0.002;
            for (var i = 0; i < n; i++)
            {
                // A pull to the centre keeps parts that nothing links (and lone members) from drifting to the edges.
                dx[i] -= Gravity * (_nodes[i].X - 0.5);
                dy[i] -= Gravity * (_nodes[i].Y - 0.5);
                var d = Math.Max(1e-9, Math.Sqrt(dx[i] * dx[i] + dy[i] * dy[i]));
                var move = Math.Min(d, temperature);
                _nodes[i].X += dx[i] / d * move;
                _nodes[i].Y += dy[i] / d * move;
            }
        }
        Fit();
    }

    /// <summary>Scales the layout to fill the drawing, keeping its proportions.</summary>
    private void Fit()
    {
        var (minX, maxX, minY, maxY) = (_nodes.Min(p => p.X), _nodes.Max(p => p.X), _nodes.Min(p => p.Y), _nodes.Max(p => p.Y));
        var span = Math.Max(1e-9, Math.Max(maxX - minX, maxY - minY));
        foreach (var node in _nodes)
            (node.X, node.Y) = (0.5 + (node.X - (minX + maxX) / 2) / span, 0.5 + (node.Y - (minY + maxY) / 2) / span);
    }

    public IHtmlContent Svg(Func<string, string> accountLink)
    {
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg id=\"cluster-graph\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"Member accounts and what links them\" xmlns=\"http://www.w3.org/2000/svg\">");
        foreach (var (a, b) in _edges)
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(_nodes[a]):0.#}\" y1=\"{Y(_nodes[a]):0.#}\" x2=\"{X(_nodes[b]):0.#}\" y2=\"{Y(_nodes[b]):0.#}\" stroke=\"#b0bec5\"/>");
        foreach (var node in _nodes)
        {
            var title = WebUtility.HtmlEncode(node.Kind switch
            {
                NodeKind.Account => $"account {node.Id}: {Charts.Action(node.Action ?? DecisionAction.Allow)}",
                NodeKind.Ip => $"IP {node.Id}",
                NodeKind.Proxy => $"proxy {node.Id}",
                _ => $"card {node.Id}",
            });
            var shape = node.Kind == NodeKind.Account
                ? $"<circle cx=\"{X(node):0.#}\" cy=\"{Y(node):0.#}\" r=\"7\" fill=\"{Charts.Colours[node.Action ?? DecisionAction.Allow]}\" stroke=\"#fff\"/>"
                : $"<rect x=\"{X(node) - 6:0.#}\" y=\"{Y(node) - 6:0.#}\" width=\"12\" height=\"12\" fill=\"{Fill(node.Kind)}\" stroke=\"#fff\"/>";
            var kind = node.Kind.ToString().ToLowerInvariant();
            if (node.Kind == NodeKind.Account)
                svg.Append(CultureInfo.InvariantCulture, $"<a href=\"{WebUtility.HtmlEncode(accountLink(node.Id))}\" class=\"node {kind}\"><title>{title}</title>{shape}</a>");
            else
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"node {kind}\"><title>{title}</title>{shape}</g>");
        }
        return new HtmlString(svg.Append("</svg>").ToString());
    }

    private static string Fill(NodeKind kind) => kind switch { NodeKind.Ip => "#1565c0", NodeKind.Proxy => "#6a1b9a", _ => "#00838f" };
    private static double X(Node node) => Margin + node.X * (Width - 2 * Margin);
    private static double Y(Node node) => Margin + node.Y * (Height - 2 * Margin);
}
