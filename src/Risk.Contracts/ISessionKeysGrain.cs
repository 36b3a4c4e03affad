namespace Risk.Contracts;

/// <summary>
/// The keys that seal the operators' console sessions and form tokens (ASP.NET Core data protection's key ring, as XML
/// elements), kept in Risk's storage so that every silo accepts a session any silo made, across restarts. Admin-only
/// both ways: whoever reads the ring can forge a session.
/// </summary>
[Alias("risk.ISessionKeysGrain")]
public interface ISessionKeysGrain : IGrainWithStringKey
{
    const string Default = "console";

    [Alias("All"), AdminOnly]
    Task<IReadOnlyList<string>> All();

    /// <summary>Stores one more key element, written through before it returns.</summary>
    [Alias("Add"), AdminOnly]
    Task Add(string xml);
}
