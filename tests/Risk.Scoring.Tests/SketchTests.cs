using Risk.Edge;
using Risk.Scoring;

namespace Risk.Scoring.Tests;

public class SketchTests
{
    [Theory]
    [InlineData(10, 50)]
    [InlineData(10, 5_000)]
    [InlineData(10, 200_000)]
    [InlineData(6, 20)]
    public void HyperLogLog_estimates_within_three_standard_errors(int precision, int distinct)
    {
        var hll = new HyperLogLog(precision);
        for (var i = 0; i < distinct; i++) hll.Add(StableHash64.Of("account", $"acct-{i}"));
        var standardError = 1.04 / Math.Sqrt(1 << precision);
        Assert.InRange(hll.Estimate(), distinct * (1 - 3 * standardError), distinct * (1 + 3 * standardError));
    }

    [Theory]
    [InlineData("ip", "198.51.100.7")]
    [InlineData("account", "ü/ß-帐户")]
    [InlineData("payment", "a very long instrument id ...")]
    public void Stable_hashes_are_XxHash64_of_the_UTF8_seeded_by_the_kind_so_stored_sketches_stay_valid(string kind, string text)
    {
        // Persisted HyperLogLog registers and cluster keys depend on these values: they must never change.
        foreach (var t in new[] { text, string.Concat(Enumerable.Repeat(text, 40)) })
        {
            var seed = (long)System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(kind));
            Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(t), seed), StableHash64.Of(kind, t));
            Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(t)), StableHash64.Of(t));
        }
        Assert.Equal(StableHash64.Of("asn", "64500"), StableHash64.Of("asn", 64500));
        Assert.Equal(StableHash64.Of("asn", "-1"), StableHash64.Of("asn", -1));
    }

    [Fact]
    public void HyperLogLog_ignores_repeats_and_stays_the_same_size()
    {
        var hll = new HyperLogLog(10);
        for (var round = 0; round < 100; round++)
            for (var i = 0; i < 100; i++) hll.Add(StableHash64.Of("ip", $"10.0.0.{i}"));
        Assert.InRange(hll.Estimate(), 95, 105);
        Assert.Equal(1024, hll.ToArray().Length);
    }

    [Fact]
    public void Merged_HyperLogLogs_count_the_union()
    {
        var a = new HyperLogLog(10);
        var b = new HyperLogLog(10);
        for (var i = 0; i < 3000; i++) a.Add(StableHash64.Of("x", i.ToString()));
        for (var i = 2000; i < 5000; i++) b.Add(StableHash64.Of("x", i.ToString()));
        a.Merge(b);
        Assert.InRange(a.Estimate(), 5000 * 0.9, 5000 * 1.1);
    }

    [Fact]
    public void Stable_hashes_do_not_depend_on_the_process()
    {
        // string.GetHashCode is randomised per process; grains on different silos must agree.
        Assert.Equal(StableHash64.Of("account", "alice"), StableHash64.Of("account", "alice"));
        Assert.NotEqual(StableHash64.Of("account", "alice"), StableHash64.Of("ip", "alice"));
    }

    [Fact]
    public void Templated_prompts_are_near_duplicates_and_unrelated_ones_are_not()
    {
        var t1 = PromptFeatures.Extract("Solve the following problem step by step and show your reasoning: a train leaves Paris at 9 am travelling at 80 km/h towards Lyon");
        var t2 = PromptFeatures.Extract("Solve the following problem step by step and show your reasoning: a train leaves Paris at 10 am travelling at 80 km/h towards Lyon");
        var other = PromptFeatures.Extract("What are good vegetarian recipes for a dinner party of eight people with a small kitchen?");
        Assert.True(PromptFeatures.Distance(t1.SimHash, t2.SimHash) <= 12, $"distance {PromptFeatures.Distance(t1.SimHash, t2.SimHash)}");
        Assert.True(PromptFeatures.Distance(t1.SimHash, other.SimHash) > 16, $"distance {PromptFeatures.Distance(t1.SimHash, other.SimHash)}");
    }

    [Fact]
    public void The_template_ring_remembers_a_bounded_number_of_templates()
    {
        var ring = new TemplateRing();
        Assert.False(ring.Observe(0xFFFF_0000_FFFF_0000));
        Assert.True(ring.Observe(0xFFFF_0000_FFFF_0001));
        for (var i = 0; i < 100; i++) ring.Observe((ulong)Random.Shared.NextInt64() | 1UL << 63);
        Assert.Equal(TemplateRing.Size, ring.Hashes.Length);
    }
}
