using System.Globalization;

namespace Risk.Grains;

/// <summary>Content-family ids: the band and key of <see cref="Scoring.ContentFamilies.Key"/>, in hex.</summary>
public static class FamilyKeys
{
    public static string For(uint family) => $"family-{family:x6}";

    public static uint Parse(string key) => uint.Parse(key.AsSpan("family-".Length), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
