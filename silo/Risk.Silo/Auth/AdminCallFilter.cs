using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Risk.Contracts;

namespace Risk.Silo.Auth;

/// <summary>Configuration section "Risk:Auth" on silos: the secret that admin calls carry.</summary>
public sealed class AdminSecretOptions
{
    /// <summary>Without it, any Orleans client that reaches the gateway port may change policy and overrides.</summary>
    public string? AdminSecret { get; set; }
}

/// <summary>
/// Refuses calls to <see cref="AdminOnlyAttribute"/> methods that do not carry the silos' admin secret. The silo's own
/// HTTP admin endpoints attach it after checking an admin key; `risk` attaches it when configured with it. Compared in
/// constant time; the refusal names the method, never the secret.
/// </summary>
public sealed class AdminCallFilter(IOptions<AdminSecretOptions> options) : IIncomingGrainCallFilter
{
    private readonly byte[]? _secret = options.Value.AdminSecret is { Length: > 0 } s ? Encoding.UTF8.GetBytes(s) : null;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (_secret is null || context.InterfaceMethod?.GetCustomAttribute<AdminOnlyAttribute>() is null) return context.Invoke();
        var presented = RequestContext.Get(AdminCall.ContextKey) as string;
        if (presented is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _secret))
            throw new UnauthorizedAccessException(
                $"{context.InterfaceMethod.DeclaringType?.Name}.{context.InterfaceMethod.Name} changes what Risk decides and needs the admin secret (Risk:Auth:AdminSecret)");
        return context.Invoke();
    }
}
