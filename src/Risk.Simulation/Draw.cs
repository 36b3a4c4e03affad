namespace Risk.Simulation;

/// <summary>
/// The distributions the cohorts draw from. Every method takes the caller's <see cref="Random"/>, so a seed
/// reproduces a run exactly; nothing here reads the clock or a shared generator.
/// </summary>
internal static class Draw
{
    public static bool Chance(this Random rng, double p) => rng.NextDouble() < p;

    public static double Uniform(this Random rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();

    /// <summary>An integer in [lo, hi], both ends included.</summary>
    public static int Between(this Random rng, int lo, int hi) => rng.Next(lo, hi + 1);

    public static T Pick<T>(this Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    public static T Weighted<T>(this Random rng, IReadOnlyList<(T Item, double Weight)> items)
    {
        var total = 0.0;
        foreach (var (_, w) in items) total += w;
        var x = rng.NextDouble() * total;
        foreach (var (item, w) in items)
        {
            x -= w;
            if (x < 0) return item;
        }
        return items[^1].Item;
    }

    public static double Exponential(this Random rng, double mean) => -mean * Math.Log(1 - rng.NextDouble());

    public static double Normal(this Random rng, double mean = 0, double sd = 1)
    {
        // Box–Muller; one of the pair is thrown away to keep the generator stateless.
        var u1 = 1 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return mean + sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Log-normal with the given median: the shape of human think times and of response lengths.</summary>
    public static double LogNormal(this Random rng, double median, double sigma) => median * Math.Exp(sigma * rng.Normal());

    public static int Poisson(this Random rng, double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda > 30) return Math.Max(0, (int)Math.Round(rng.Normal(lambda, Math.Sqrt(lambda))));
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = rng.NextDouble();
        while (p > limit) { k++; p *= rng.NextDouble(); }
        return k;
    }

    /// <summary>
    /// Gamma(shape, scale) by Marsaglia–Tsang. A shape above 1 gives gaps more regular than Poisson,
    /// which is what a load balancer handing work to a pool of accounts produces.
    /// </summary>
    public static double Gamma(this Random rng, double shape, double scale)
    {
        if (shape < 1) return rng.Gamma(shape + 1, scale) * Math.Pow(rng.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do { x = rng.Normal(); v = 1 + c * x; } while (v <= 0);
            v = v * v * v;
            var u = rng.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
                return d * v * scale;
        }
    }

    public static string Hex(this Random rng, int digits)
    {
        const string alphabet = "0123456789abcdef";
        return string.Create(digits, rng, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[r.Next(16)];
        });
    }

    public static void ShuffleInPlace<T>(this Random rng, IList<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    /// <summary>k distinct items (all of them when k exceeds the count), in random order.</summary>
    public static List<T> Sample<T>(this Random rng, IReadOnlyList<T> items, int k)
    {
        var copy = items.ToList();
        rng.ShuffleInPlace(copy);
        return copy.Take(Math.Clamp(k, 0, copy.Count)).ToList();
    }

    public static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);
}
