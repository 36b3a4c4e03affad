using System.Diagnostics;
using System.Diagnostics.Metrics;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Client.Gateway;

/// <summary>A gateway's OpenTelemetry instruments (meter "Risk.Gateway"), one set per <see cref="RiskGateway"/>.</summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Risk.Gateway";
    public const string FromCache = "cache";
    public const string FromHeld = "held";
    public const string FromGrains = "grains";
    /// <summary>Made at once for an entity never heard of, with its risk asked for behind the answer.</summary>
    public const string FromNeverSeen = "never_seen";
    public const string FromFailMode = "fail_mode";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _decisions;

    public GatewayMetrics(RiskGateway gateway)
    {
        _decisions = _meter.CreateCounter<long>("risk.gateway.decisions", "{decision}", "Decisions answered, tagged by action and source (cache, held, never_seen, grains, fail_mode)");
        _meter.CreateObservableCounter("risk.gateway.events.sent", () => gateway.Sent, "{event}", "Events the cluster accepted");
        _meter.CreateObservableCounter("risk.gateway.events.dropped", () => gateway.Dropped, "{event}", "Events dropped: queue full or the cluster unreachable");
        _meter.CreateObservableCounter("risk.gateway.events.rejected", () => gateway.Rejected, "{event}", "Events the cluster refused as invalid");
        _meter.CreateObservableCounter("risk.gateway.sends.retried", () => gateway.Retries, "{send}", "Batches, or their events that came back not applied, sent again");
        _meter.CreateObservableCounter("risk.gateway.cache.invalidations", () => gateway.Cache.Invalidations, "{push}", "Pushes that dropped cached decisions");
        _meter.CreateObservableGauge("risk.gateway.cache.entries", () => gateway.Cache.Count, "{entry}", "Decisions cached");
        _meter.CreateObservableGauge("risk.gateway.held.entities", () => gateway.Cache.EntityCount, "{entity}", "Entities whose risk the gateway holds");
        _meter.CreateObservableCounter("risk.gateway.watches", () => gateway.Watches, "{call}", "Calls to replicas: for a risk not held, or to renew a watch");
    }

    public void Decided(Decision decision, string source)
    {
        if (_decisions.Enabled) _decisions.Add(1, new TagList { { "action", Wire.Action(decision.Action) }, { "source", source } });
    }

    public void Dispose() => _meter.Dispose();
}
