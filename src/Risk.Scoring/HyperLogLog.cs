using System.Numerics;

namespace Risk.Scoring;

/// <summary>
/// A HyperLogLog distinct counter over 64-bit hashes: 2^precision one-byte registers, relative error
/// about 1.04/√(2^precision). Linear counting covers the small range, where most entities live.
/// Registers merge by maximum, so unions (an IP's accounts plus a proxy's) are exact unions of sketches.
/// </summary>
public sealed class HyperLogLog
{
    public HyperLogLog() : this(10) { }

    public HyperLogLog(int precision)
    {
        if (precision is < 4 or > 16) throw new ArgumentOutOfRangeException(nameof(precision));
        Registers = new byte[1 << precision];
    }

    public byte[] Registers { get; set; }

    private int Precision => BitOperations.Log2((uint)Registers.Length);

    /// <returns>True when a register changed, so the estimate may have moved.</returns>
    public bool Add(ulong hash)
    {
        var p = Precision;
        var index = (int)(hash >> (64 - p));
        var rest = (hash << p) | (1UL << (p - 1));
        var rank = (byte)(BitOperations.LeadingZeroCount(rest) + 1);
        if (Registers[index] >= rank) return false;
        Registers[index] = rank;
        return true;
    }

    private static readonly double[] InversePowers = Enumerable.Range(0, 65).Select(r => Math.Pow(2, -r)).ToArray();

    public double Estimate()
    {
        var m = Registers.Length;
        double sum = 0;
        var zeros = 0;
        foreach (var r in Registers)
        {
            sum += InversePowers[r];
            if (r == 0) zeros++;
        }
        var alpha = m switch { 16 => 0.673, 32 => 0.697, 64 => 0.709, _ => 0.7213 / (1 + 1.079 / m) };
        var raw = alpha * m * m / sum;
        if (raw <= 2.5 * m && zeros > 0) return m * Math.Log((double)m / zeros);
        return raw;
    }

    public void Merge(HyperLogLog other)
    {
        if (other.Registers.Length != Registers.Length) throw new ArgumentException("precision differs", nameof(other));
        for (var i = 0; i < Registers.Length; i++)
            if (other.Registers[i] > Registers[i]) Registers[i] = other.Registers[i];
    }
}
