namespace Risk.Scoring;

/// <summary>
/// The SimHashes of an entity's most recent distinct prompt templates, in a fixed ring. A prompt within
/// <see cref="NearDistance"/> bits of one in the ring counts as a reuse of that template.
/// </summary>
public sealed class TemplateRing
{
    public const int NearDistance = 3;
    public const int Size = 16;

    /// <summary>Empty until the first template: an account that sends no prompt text needs no ring.</summary>
    public ulong[] Hashes { get; set; } = [];
    public int Next { get; set; }
    public int Filled { get; set; }

    /// <returns>True when the prompt is a near-duplicate of a recent template.</returns>
    public bool Observe(ulong simHash)
    {
        for (var i = 0; i < Filled; i++)
            if (PromptFeatures.Distance(Hashes[i], simHash) <= NearDistance) return true;
        if (Hashes.Length == 0) Hashes = new ulong[Size];
        Hashes[Next] = simHash;
        Next = (Next + 1) % Size;
        Filled = Math.Min(Size, Filled + 1);
        return false;
    }
}
