using System.Security.Cryptography;
using System.Text;

namespace Risk.Stix;

/// <summary>
/// What a partner sees instead of an account id: HMAC-SHA256 under a secret of this deployment. A plain hash of the
/// id could be reversed by hashing guessed ids (they are short and often sequential); without the key it cannot, and
/// the same key gives the same digest on every export, so partners can correlate one account across bundles.
/// </summary>
public sealed class AccountDigest
{
    /// <summary>Where the silo and `risk` read the key.</summary>
    public const string ConfigurationKey = "Risk:Stix:AccountKey";

    /// <summary>Shorter secrets are guessable, which would undo the point of keying the digest.</summary>
    public const int MinKeyLength = 16;

    private readonly byte[] key;

    public AccountDigest(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length < MinKeyLength)
            throw new ArgumentException($"the STIX export hashes account ids with a secret of this deployment: set {ConfigurationKey} " +
                $"(environment Risk__Stix__AccountKey) to at least {MinKeyLength} random characters, the same on every silo and for `risk`");
        this.key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>Lower-case hex of the HMAC of the account id.</summary>
    public string Of(string account) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(account)));
}
