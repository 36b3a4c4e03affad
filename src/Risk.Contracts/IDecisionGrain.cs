namespace Risk.Contracts;

/// <summary>Answers a gateway's question for one request. A stateless worker, local to the caller's silo.</summary>
[Alias("risk.IDecisionGrain")]
public interface IDecisionGrain : IGrainWithIntegerKey
{
    [Alias("Decide")]
    Task<Decision> Decide(string account, string? ip, string? proxy);
}
