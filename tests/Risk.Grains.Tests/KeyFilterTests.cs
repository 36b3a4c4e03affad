using Risk.Edge;
using Risk.Grains;
using Risk.Scoring;

namespace Risk.Grains.Tests;

public class KeyFilterTests
{
    private static ulong Key(string kind, int i) => StableHash64.Of(kind, "account/" + i);

    [Fact]
    public void Never_says_no_to_a_key_it_holds_and_rarely_says_maybe_to_one_it_does_not()
    {
        // One shard's share of 3.2 million keys: the load SkipAbsentReads is sized for.
        const int held = 50_000, other = 100_000;
        var filter = new KeyFilter(SkipAbsentReads.BitsPerShard);
        for (var i = 0; i < held; i++) filter.Add(Key("held", i));

        Assert.All(Enumerable.Range(0, held), i => Assert.True(filter.MayContain(Key("held", i))));
        var falseMaybes = Enumerable.Range(0, other).Count(i => filter.MayContain(Key("other", i)));
        Assert.InRange(falseMaybes / (double)other, 0, 0.015);
    }

    [Fact]
    public void Its_stored_bytes_give_back_the_same_answers()
    {
        var filter = new KeyFilter(1 << 12);
        for (var i = 0; i < 300; i++) filter.Add(Key("held", i));
        var bytes = filter.ToBytes();
        var restored = KeyFilter.FromBytes(bytes);

        Assert.Equal(512, bytes.Length);
        Assert.Equal(filter.Bits, restored.Bits);
        Assert.All(Enumerable.Range(0, 300), i => Assert.True(restored.MayContain(Key("held", i))));
        Assert.All(Enumerable.Range(0, 2000), i => Assert.Equal(filter.MayContain(Key("other", i)), restored.MayContain(Key("other", i))));
        // A copy: adding to the filter afterwards does not change what was stored.
        filter.Add(Key("late", 1));
        Assert.Equal(bytes, restored.ToBytes());
    }

    [Fact]
    public void A_size_that_is_not_a_power_of_two_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new KeyFilter(100 * 64));
        Assert.Throws<ArgumentException>(() => KeyFilter.FromBytes(new byte[24]));
    }
}
