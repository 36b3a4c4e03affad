namespace Risk.Contracts;

/// <summary>An empty grain call: the ceiling that benchmarks measure Risk's own calls against.</summary>
[Alias("risk.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task Ping();
}
