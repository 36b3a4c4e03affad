using System.Text.Json;
using CsCheck;

namespace Risk.Scoring.Tests;

/// <summary>
/// A sketch that keeps few registers as a list must count, merge and store exactly as the whole array of registers
/// does: detection reads its estimates, and stored records of either form must read back the same.
/// </summary>
public class SparseSketchTests
{
    /// <summary>The registers a sketch of these hashes holds, computed the plain way.</summary>
    private static byte[] Reference(int precision, IEnumerable<ulong> hashes)
    {
        var registers = new byte[1 << precision];
        foreach (var hash in hashes)
        {
            var index = (int)(hash >> (64 - precision));
            var rank = (byte)(System.Numerics.BitOperations.LeadingZeroCount((hash << precision) | (1UL << (precision - 1))) + 1);
            registers[index] = Math.Max(registers[index], rank);
        }
        return registers;
    }

    private static HyperLogLog Whole(byte[] registers) => new() { Registers = (byte[])registers.Clone() };

    private static readonly Gen<ulong[]> Hashes = Gen.ULong.Array[0, 150];

    [Fact]
    public void A_sketch_holds_the_same_registers_and_estimate_as_the_whole_array_at_any_size()
    {
        Hashes.Sample(hashes =>
        {
            var sketch = new HyperLogLog(10);
            foreach (var hash in hashes) sketch.Add(hash);
            var reference = Reference(10, hashes);
            Assert.Equal(reference, sketch.ToArray());
            Assert.Equal(Whole(reference).Estimate(), sketch.Estimate());
        });
    }

    [Fact]
    public void Merges_of_sparse_and_whole_sketches_give_the_union()
    {
        Gen.Select(Hashes, Hashes, Gen.Bool, Gen.Bool).Sample((a, b, wholeA, wholeB) =>
        {
            HyperLogLog Make(ulong[] hashes, bool whole)
            {
                var sketch = whole ? Whole(new byte[1024]) : new HyperLogLog(10);
                foreach (var hash in hashes) sketch.Add(hash);
                return sketch;
            }
            var merged = Make(a, wholeA);
            merged.Merge(Make(b, wholeB));
            var reference = Reference(10, a.Concat(b));
            Assert.Equal(reference, merged.ToArray());
            Assert.Equal(Whole(reference).Estimate(), merged.Estimate());
        });
    }

    [Fact]
    public void A_stored_sketch_reads_back_the_same_in_either_form_and_old_records_still_read()
    {
        Hashes.Sample(hashes =>
        {
            var sketch = new HyperLogLog(10);
            foreach (var hash in hashes) sketch.Add(hash);
            var read = JsonSerializer.Deserialize<HyperLogLog>(JsonSerializer.Serialize(sketch))!;
            Assert.Equal(sketch.ToArray(), read.ToArray());
            Assert.Equal(sketch.Estimate(), read.Estimate());
            // A record stored before sparse sketches holds the whole array.
            var old = JsonSerializer.Deserialize<HyperLogLog>($$"""{"Registers":"{{Convert.ToBase64String(sketch.ToArray())}}"}""")!;
            Assert.Equal(sketch.Estimate(), old.Estimate());
        });
    }

    [Fact]
    public void A_sketch_of_a_few_members_stores_far_less_than_its_array()
    {
        var sketch = new HyperLogLog(10);
        for (var i = 0; i < 3; i++) sketch.Add(StableHash64.Of("account", $"member-{i}"));

        Assert.InRange(JsonSerializer.Serialize(sketch).Length, 1, 100);
        Assert.Null(sketch.Registers);
        Assert.InRange(sketch.Estimate(), 2.99, 3.01);
    }
}
