using System.Security.Cryptography;
using System.Text;

namespace Risk.Stix;

/// <summary>
/// Deterministic STIX identifiers: a name-based UUID (version 5, RFC 9562) over one namespace of Risk's own. The same
/// cluster, indicator or relationship gets the same id on every export, so a consumer updates the object it holds
/// instead of piling up copies.
/// </summary>
public static class StixId
{
    /// <summary>Risk's namespace; changing it would give every exported object a new id.</summary>
    public static readonly Guid Namespace = Guid.Parse("465caa85-7c22-4fde-add1-ff2f55d4fe47");

    public static string For(string type, string name) => $"{type}--{Uuid5(Namespace, $"{type}:{name}")}";

    public static Guid Uuid5(Guid space, string name)
    {
        Span<byte> input = stackalloc byte[16];
        space.TryWriteBytes(input, bigEndian: true, out _);
        var bytes = SHA1.HashData([.. input, .. Encoding.UTF8.GetBytes(name)]).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
