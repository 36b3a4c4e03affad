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
        var (grainType, interfaceType) = Types<TGrain>.Resolved ??= Resolve<TGrain>(factory);
        return (TGrain)factory.GetGrain(GrainId.Create(grainType, key), interfaceType);
    }

    /// <summary>The account, IP or proxy grain of a grain key (<see cref="GrainKeys.Of"/>).</summary>
    public static IOverridable Entity(this IGrainFactory factory, EntityKind kind, string key) => kind switch
    {
        EntityKind.Account => factory.Grain<IAccountGrain>(key),
        EntityKind.Ip => factory.Grain<IIpGrain>(key),
        _ => factory.Grain<IProxyGrain>(key),
    };

    private static (GrainType, GrainInterfaceType) Resolve<TGrain>(IGrainFactory factory) where TGrain : IGrainWithStringKey
    {
        var reference = (GrainReference)(object)factory.GetGrain<TGrain>("-");
        return (reference.GrainId.Type, reference.InterfaceType);
    }

    private static class Types<TGrain>
    {
        public static (GrainType, GrainInterfaceType)? Resolved;
    }
}
