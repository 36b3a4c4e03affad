using System.Numerics;
using System.Text.Json.Serialization;

namespace Risk.Scoring;

/// <summary>
/// A HyperLogLog distinct counter over 64-bit hashes: 2^precision one-byte registers, relative error
/// about 1.04/√(2^precision). Linear counting covers the small range, where most entities live.
/// Registers merge by maximum, so unions (an IP's accounts plus a proxy's) are exact unions of sketches.
/// </summary>
/// <remarks>
/// Most sketches of 256 registers or more count a handful of members (a card's cluster of one account, an IP of one
/// household), yet the whole array cost 1 KB in every such activation and record. Such a sketch keeps its set
/// registers as a sorted list of (index, rank) until they outgrow a sixteenth of the array (64 of 1,024), then takes
/// the array. The estimate is the same either way: a sketch that small is always in linear counting's range, which
/// reads only how many registers are zero.
/// </remarks>
public sealed class HyperLogLog
{
    /// <summary>Sketches with fewer registers are always whole: their array is as small as the list would be.</summary>
    private const int SparseFromPrecision = 8;

    private int _precision;
    private byte[]? _registers;
    /// <summary>While sparse: each set register as its index shifted left 8 bits, plus its rank; ascending.</summary>
    private List<uint>? _sparse;

    public HyperLogLog() : this(10) { }

    public HyperLogLog(int precision)
    {
        if (precision is < 4 or > 16) throw new ArgumentOutOfRangeException(nameof(precision));
        _precision = precision;
        if (precision < SparseFromPrecision) _registers = new byte[1 << precision];
    }

    /// <summary>The registers when held whole (as stored before sparse sketches, and still read so); null while sparse.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Registers
    {
        get => _registers;
        set
        {
            if (value is null) return;
            if (value.Length < 16 || !BitOperations.IsPow2(value.Length)) throw new ArgumentException("registers must be a power of two, at least 16", nameof(value));
            (_registers, _precision, _sparse) = (value, BitOperations.Log2((uint)value.Length), null);
        }
    }

    /// <summary>The precision, stored only while sparse (the whole array says it otherwise).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SparsePrecision
    {
        get => _registers is null ? _precision : null;
        set
        {
            if (value is not { } precision || _registers is not null) return;
            if (precision is < SparseFromPrecision or > 16) throw new ArgumentOutOfRangeException(nameof(value));
            _precision = precision;
        }
    }

    /// <summary>The set registers while sparse; null once whole.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint[]? Sparse
    {
        get => _registers is null ? [.. _sparse ?? []] : null;
        set
        {
            if (value is null || _registers is not null) return;
            _sparse = value.Length == 0 ? null : [.. value.Order()];
        }
    }

    private int Count => 1 << _precision;

    /// <returns>True when a register changed, so the estimate may have moved.</returns>
    public bool Add(ulong hash)
    {
        var p = _precision;
        var index = (int)(hash >> (64 - p));
        var rest = (hash << p) | (1UL << (p - 1));
        var rank = (byte)(BitOperations.LeadingZeroCount(rest) + 1);
        if (_registers is { } registers)
        {
            if (registers[index] >= rank) return false;
            registers[index] = rank;
            return true;
        }
        return SetSparse(index, rank);
    }

    private bool SetSparse(int index, byte rank)
    {
        var sparse = _sparse ??= new List<uint>(1);
        var entry = ((uint)index << 8) | rank;
        // Entries sort by index first, so the one of this index, if any, sits just before where this entry would go.
        var at = sparse.BinarySearch(((uint)index << 8) | 0xFF);
        at = at < 0 ? ~at : at + 1;
        if (at > 0 && sparse[at - 1] >> 8 == (uint)index)
        {
            if ((byte)sparse[at - 1] >= rank) return false;
            sparse[at - 1] = entry;
            return true;
        }
        sparse.Insert(at, entry);
        if (sparse.Count > Count / 16) Densify();
        return true;
    }

    /// <summary>The registers as an array, whole: this sketch's own when it holds them, else a copy made from its list.</summary>
    public byte[] ToArray()
    {
        if (_registers is { } registers) return registers;
        var array = new byte[Count];
        foreach (var entry in _sparse ?? []) array[entry >> 8] = (byte)entry;
        return array;
    }

    private void Densify()
    {
        _registers = ToArray();
        _sparse = null;
    }

    private static readonly double[] InversePowers = Enumerable.Range(0, 65).Select(r => Math.Pow(2, -r)).ToArray();

    public double Estimate()
    {
        var m = Count;
        if (_registers is null)
        {
            // At most m/16 registers set: always linear counting's range, which the whole array would also be in.
            var zeros = m - (_sparse?.Count ?? 0);
            return m * Math.Log((double)m / zeros);
        }
        double sum = 0;
        var zeroRegisters = 0;
        foreach (var r in _registers)
        {
            sum += InversePowers[r];
            if (r == 0) zeroRegisters++;
        }
        var alpha = m switch { 16 => 0.673, 32 => 0.697, 64 => 0.709, _ => 0.7213 / (1 + 1.079 / m) };
        var raw = alpha * m * m / sum;
        if (raw <= 2.5 * m && zeroRegisters > 0) return m * Math.Log((double)m / zeroRegisters);
        return raw;
    }

    public void Merge(HyperLogLog other)
    {
        if (other._precision != _precision) throw new ArgumentException("precision differs", nameof(other));
        if (other._registers is null)
        {
            foreach (var entry in other._sparse ?? [])
                if (_registers is { } registers) registers[entry >> 8] = Math.Max(registers[entry >> 8], (byte)entry);
                else SetSparse((int)(entry >> 8), (byte)entry);
            return;
        }
        if (_registers is null) Densify();
        var mine = _registers!;
        for (var i = 0; i < mine.Length; i++)
            if (other._registers[i] > mine[i]) mine[i] = other._registers[i];
    }
}
