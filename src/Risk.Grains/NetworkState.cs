using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

/// <summary>What an IP or proxy keeps: sketches and decayed counters of the accounts behind it, and its override.</summary>
public sealed class NetworkState : IOverrideState
{
    public NetworkProfile Profile { get; set; } = new();
    public OverrideAction Override { get; set; }
    public DateTime? OverrideExpires { get; set; }
}
