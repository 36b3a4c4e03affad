namespace Risk.Scoring;

/// <summary>
/// An exponentially decayed count driven by event time: value(t) = Σ wᵢ · 2^(−(t − tᵢ)/halfLife).
/// Events that arrive late (tᵢ before the last update) are decayed on the way in, so the result does not
/// depend on arrival order. Two doubles of state, whatever the traffic.
/// </summary>
/// <remarks>
/// A struct, held in its owner's fields: an account holds eleven of these, and as objects each cost a header and a
/// reference besides its sixteen bytes. Being mutable, it must be held in a field (or a local) and changed there: a
/// copy read through a property would take the change and drop it. Owners leave a counter never added to out of
/// their stored state (<c>WhenWritingDefault</c>): it reads back as the same zero.
/// </remarks>
public struct DecayedCounter : IEquatable<DecayedCounter>
{
    public double Value { get; set; }
    public DateTime At { get; set; }

    public void Add(DateTime ts, double amount, TimeSpan halfLife)
    {
        if (ts >= At)
        {
            Value = Value * Factor(ts - At, halfLife) + amount;
            At = ts;
        }
        else
        {
            Value += amount * Factor(At - ts, halfLife);
        }
    }

    /// <summary>Adds another counter's whole count, as if its events had been added here.</summary>
    public void Merge(double value, DateTime at, TimeSpan halfLife) => Add(at, value, halfLife);

    /// <summary>The count as of <paramref name="ts"/>; never grows for times before the last update.</summary>
    public readonly double ValueAt(DateTime ts, TimeSpan halfLife) => ts <= At ? Value : Value * Factor(ts - At, halfLife);

    /// <summary>Bit for bit: a counter left out of stored state as zero must read back as exactly what it was.</summary>
    public readonly bool Equals(DecayedCounter other) =>
        BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value) && At == other.At && At.Kind == other.At.Kind;

    public override readonly bool Equals(object? obj) => obj is DecayedCounter other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(Value, At);

    public static double Factor(TimeSpan elapsed, TimeSpan halfLife) =>
        Math.Pow(2, -elapsed.TotalSeconds / halfLife.TotalSeconds);
}
