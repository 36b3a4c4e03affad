using Risk.Contracts;

namespace Risk.Scoring;

/// <summary>
/// The content families an account keeps coming back to (<see cref="PromptSignals.Families"/>), found with a
/// Space-Saving table of <see cref="Slots"/> keys (Metwally et al.), and the few it has joined at their family grains.
/// A new key takes the least-counted slot and inherits its count as its possible error, so a key that recurs in more
/// than 1/<see cref="Slots"/> of the account's keys is never lost, and a key is joined only once its count, less that
/// error, shows <see cref="MinUses"/> real uses: one-off keys (a slot's filling) never add up to a join.
/// </summary>
public sealed class ContentFamilies
{
    public const int Slots = 64;
    /// <summary>
    /// The most families an account joins. The first it joins are often families of common phrasing, which every
    /// kind of user shares; a ring's own skeletons come a little later.
    /// </summary>
    public const int MaxJoined = 24;
    /// <summary>Uses of a family before the account joins it: once or twice is chance.</summary>
    public const int MinUses = 3;

    /// <summary>Band and key, as <see cref="Key"/> makes them; 0 is an empty slot. Empty until the first key comes:
    /// most accounts never send an extraction prompt, and the table would be a sixth of their memory and stored state.</summary>
    public uint[] Keys { get; set; } = [];
    public byte[] Counts { get; set; } = [];
    /// <summary>How much of each slot's count it may owe to the keys it replaced.</summary>
    public byte[] Errors { get; set; } = [];
    /// <summary>The families joined, in the order joined.</summary>
    public List<uint> Joined { get; set; } = [];

    /// <summary>A family's id across bands: the band in the high bits, its key in the low.</summary>
    public static uint Key(int band, uint key) => (uint)band << PromptSignals.FamilyKeyBits | key;

    /// <summary>Counts a prompt's families, and joins those it has now surely used <see cref="MinUses"/> times.</summary>
    public void Observe(ulong families)
    {
        if (families == 0) return;
        if (Keys.Length == 0) (Keys, Counts, Errors) = (new uint[Slots], new byte[Slots], new byte[Slots]);
        for (var band = 0; band < PromptSignals.FamilyBands; band++)
        {
            var key = PromptSignals.FamilyKey(families, band);
            if (key == 0) continue;
            var id = Key(band, key);
            var slot = Array.IndexOf(Keys, id);
            if (slot < 0) slot = Take(id);
            if (Counts[slot] < byte.MaxValue) Counts[slot]++;
            if (Counts[slot] - Errors[slot] == MinUses && Joined.Count < MaxJoined && !Joined.Contains(id)) Joined.Add(id);
        }
    }

    /// <summary>An empty slot, else the least-counted one, whose count the new key inherits as its error.</summary>
    private int Take(uint id)
    {
        var slot = 0;
        for (var j = 0; j < Slots; j++)
        {
            if (Keys[j] == 0) { slot = j; break; }
            if (Counts[j] < Counts[slot]) slot = j;
        }
        Keys[slot] = id;
        Errors[slot] = Counts[slot];
        return slot;
    }
}

/// <summary>
/// What a content family told the account: that it is one of a dispersed ring of young accounts sending the same
/// kind of extraction content (<see cref="ReasonCodes.ContentRing"/>). Held for <see cref="Knobs.CampaignMemoryDays"/>
/// of the account's event time after the family last said so.
/// </summary>
public sealed class RingEvidence
{
    public uint Family { get; set; }
    /// <summary>The ring's size when the family last said so.</summary>
    public int Members { get; set; }
    public DateTime Since { get; set; }
    public DateTime RenewedAt { get; set; }

    public bool IsActive(PolicyView policy, DateTime at) => Members > 0 && at < Until(policy);

    public DateTime Until(PolicyView policy) => RenewedAt + TimeSpan.FromDays(policy[Knobs.CampaignMemoryDays]);
}
