using System.Threading.RateLimiting;

namespace Risk.Silo.OpsConsole;

/// <summary>
/// Guessing keys at the sign-in form must cost as much as at the API: after <see cref="Refusals"/> refused keys in a
/// minute, an address may not try again until the minute is over. Only refusals count, so a team behind one address
/// signs in as often as it likes.
/// </summary>
public sealed class SignInGuard : IDisposable
{
    public const int Refusals = 10;

    private readonly PartitionedRateLimiter<string> _refused = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions { PermitLimit = Refusals, Window = TimeSpan.FromMinutes(1) }));

    /// <summary>Whether this address has used up its refusals for the minute (asking costs nothing).</summary>
    public bool Exhausted(string address)
    {
        using var lease = _refused.AttemptAcquire(address, permitCount: 0);
        return !lease.IsAcquired;
    }

    public void Refused(string address) => _refused.AttemptAcquire(address).Dispose();

    public void Dispose() => _refused.Dispose();
}
