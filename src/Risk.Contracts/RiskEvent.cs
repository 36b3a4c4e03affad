namespace Risk.Contracts;

/// <summary>
/// One API request as a gateway saw it, after Risk.Client has turned the prompt text into
/// <see cref="PromptSignals"/>. The raw prompt never reaches a silo.
/// </summary>
/// <param name="Id">The sender's id for this event, unique per event: an event sent again with the same id (a retry)
/// is applied once by each entity it touches, within that entity's de-duplication window.</param>
[GenerateSerializer, Immutable, Alias("risk.event.v1")]
public sealed record RiskEvent(
    [property: Id(0)] DateTime Ts,
    [property: Id(1)] string Account,
    [property: Id(2)] string Ip,
    [property: Id(3)] string? Proxy = null,
    [property: Id(4)] int? Asn = null,
    [property: Id(5)] string? Ja4 = null,
    [property: Id(6)] string? Payment = null,
    [property: Id(7)] AccountTier Tier = AccountTier.Unknown,
    [property: Id(8)] DateTime? AccountCreated = null,
    [property: Id(9)] string? Model = null,
    [property: Id(10)] PromptSignals? Prompt = null,
    [property: Id(11)] int InTokens = 0,
    [property: Id(12)] int OutTokens = 0,
    [property: Id(13)] string? Id = null);

[GenerateSerializer, Alias("risk.tier")]
public enum AccountTier : byte
{
    Unknown = 0,
    Standard = 1,
    Edu = 2,
    Research = 3,
    Startup = 4,
    Enterprise = 5,
}

/// <summary>What the gateway learned from the prompt text, computed in the gateway's own process.</summary>
/// <param name="Kinds">Which extraction patterns the prompt matched.</param>
/// <param name="SimHash">A 64-bit SimHash of the prompt's word shingles; near-duplicates differ in few bits.</param>
/// <param name="Length">Length of the prompt in characters.</param>
/// <param name="Families">For a prompt that matched an extraction pattern: its content families, three
/// locality-sensitive keys of 21 bits (the values of a MinHash over the prompt's word pairs) packed low band first, 0
/// for none. Paraphrases of one skeleton share a key far more often than unrelated prompts do.</param>
[GenerateSerializer, Immutable, Alias("risk.prompt.v1")]
public sealed record PromptSignals(
    [property: Id(0)] PromptKinds Kinds,
    [property: Id(1)] ulong SimHash,
    [property: Id(2)] int Length,
    [property: Id(3)] ulong Families = 0)
{
    public const int FamilyBands = 3;
    public const int FamilyKeyBits = 21;

    /// <summary>The key of band <paramref name="band"/> (0 to <see cref="FamilyBands"/> − 1), 0 for none.</summary>
    public static uint FamilyKey(ulong families, int band) => (uint)(families >> (FamilyKeyBits * band)) & ((1u << FamilyKeyBits) - 1);
}

[Flags, GenerateSerializer, Alias("risk.prompt-kinds")]
public enum PromptKinds : ushort
{
    None = 0,
    /// <summary>Asks the model to show its step-by-step reasoning.</summary>
    ChainOfThought = 1,
    /// <summary>Asks the model to grade or score against a rubric, as for reward models.</summary>
    Rubric = 2,
    /// <summary>Agentic, tool-use or computer-use instructions.</summary>
    Agentic = 4,
    /// <summary>Asks for code.</summary>
    Coding = 8,
    /// <summary>Rewrites of politically sensitive questions ("censorship-safe" variants).</summary>
    SensitiveRewrite = 16,
}
