namespace Risk.Contracts;

/// <summary>
/// Grain references by string key without the interface lookup that <c>GetGrain&lt;T&gt;(string)</c> repeats by
/// reflection on every call (a large share of the silo's CPU during ingest in a profile). The grain and interface types
/// are resolved once per interface, then each reference is made straight from its id.
/// </summary>
public static class GrainLookup
{
    public static TGrain Grain<TGrain>(this IGrainFactory factory, string key) where TGrain : IGrainWithStringKey
    {
        var types = Types<TGrain>.Resolved ??= Resolve<TGrain>(factory);
        return (TGrain)factory.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    /// <summary>The account, IP or proxy grain of a grain key (<see cref="GrainKeys.Of"/>).</summary>
    public static IOverridable Entity(this IGrainFactory factory, EntityKind kind, string key) => kind switch
    {
        EntityKind.Account => factory.Grain<IAccountGrain>(key),
        EntityKind.Ip => factory.Grain<IIpGrain>(key),
        _ => factory.Grain<IProxyGrain>(key),
    };

    private static ResolvedTypes Resolve<TGrain>(IGrainFactory factory) where TGrain : IGrainWithStringKey
    {
        var reference = (GrainReference)(object)factory.GetGrain<TGrain>("-");
        return new(reference.GrainId.Type, reference.InterfaceType);
    }

    /// <summary>
    /// A class, not a nullable struct: grains on several scheduler threads resolve the same interface at once, and a
    /// struct of that size can be read half-written (a default interface type then makes a bare GrainReference that no
    /// cast accepts). A reference is published whole.
    /// </summary>
    private sealed record ResolvedTypes(GrainType Grain, GrainInterfaceType Interface);

    private static class Types<TGrain>
    {
        public static ResolvedTypes? Resolved;
    }
}
