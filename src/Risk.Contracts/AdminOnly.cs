namespace Risk.Contracts;

/// <summary>
/// A grain method that changes what Risk decides (policy, overrides). When silos are given an admin secret
/// (<c>Risk:Auth:AdminSecret</c>), a call to it is refused unless its request context carries that secret
/// (<see cref="AdminCall.ContextKey"/>): a gateway that embeds the Orleans client holds no secret, so it can decide
/// and report, never steer.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AdminOnlyAttribute : Attribute;

public static class AdminCall
{
    /// <summary>The request-context key under which an admin caller puts the secret; it flows to the grain calls the method makes.</summary>
    public const string ContextKey = "risk.admin";

    /// <summary>Runs an admin call with <paramref name="secret"/> in the request context (nothing when it is null).</summary>
    public static async Task<T> With<T>(string? secret, Func<Task<T>> call)
    {
        if (secret is null) return await call();
        RequestContext.Set(ContextKey, secret);
        try { return await call(); }
        finally { RequestContext.Remove(ContextKey); }
    }
}
