using BenchmarkDotNet.Attributes;
using Risk.Contracts;
using Risk.Edge;
using Risk.Scoring;

namespace Risk.Benchmarks;

/// <summary>
/// The parts each event passes through, one at a time (BenchmarkDotNet: `Risk.Benchmarks micro`). Each class
/// keeps its own baseline, so its figures read as ratios within the run.
/// </summary>
[MemoryDiagnoser]
public class SketchBenchmarks
{
    private readonly HyperLogLog _hll = new(10);
    // Not readonly: a mutable struct in a readonly field would be changed as a copy.
    private DecayedCounter _counter;
    private DateTime _ts = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private ulong _i;

    [Benchmark(Baseline = true)]
    public ulong Hash() => StableHash64.Of("account", "u0123abcd");

    [Benchmark]
    public bool HyperLogLogAdd() => _hll.Add(++_i * 0x9E3779B97F4A7C15UL);

    [Benchmark]
    public double DecayedCounterAdd()
    {
        _ts = _ts.AddSeconds(3);
        _counter.Add(_ts, 1, TimeSpan.FromHours(1));
        return _counter.Value;
    }
}

[MemoryDiagnoser]
public class FeatureBenchmarks
{
    private const string English = "Think step by step and show your full reasoning before you answer: a train leaves at 3 pm at 60 km/h...";
    private const string Chinese = "请一步一步地思考，并详细写出你的推理过程，然后给出最终答案。题目：一个水池有两个进水管。";

    [Benchmark(Baseline = true)]
    public string Lowercase() => English.ToLowerInvariant();

    [Benchmark]
    public PromptSignals ExtractEnglish() => PromptFeatures.Extract(English);

    [Benchmark]
    public PromptSignals ExtractChinese() => PromptFeatures.Extract(Chinese);
}

[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private static readonly DateTime T0 = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private readonly PolicyView _policy = PolicyView.Default;
    private readonly AccountProfile _account = new();
    private readonly NetworkProfile _proxy = new();
    private RiskEvent[] _events = [];
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        var prompt = PromptFeatures.Extract("Grade this answer against the rubric and give a score from 1 to 10 with reasons");
        _events = Enumerable.Range(0, 10_000).Select(i => new RiskEvent(T0.AddSeconds(7 * i), "u0123abcd", "198.51.100.7", "px-1",
            Asn: 64500, Payment: "pm_1", Tier: AccountTier.Standard, AccountCreated: T0.AddDays(-2), Model: "m-large",
            Prompt: prompt with { SimHash = prompt.SimHash ^ (ulong)(i % 7) }, InTokens: 60, OutTokens: 900)).ToArray();
        foreach (var e in _events.Take(1000)) _account.Observe(e);
    }

    private RiskEvent Next() => _events[_i++ % _events.Length];

    [Benchmark(Baseline = true)]
    public void AccountObserve() => _account.Observe(Next());

    [Benchmark]
    public double AccountAssess() => _account.Assess(_policy).Score;

    [Benchmark]
    public void ProxyObserve()
    {
        var e = Next();
        _proxy.Observe(new NetworkSighting(e.Ts, (ulong)_i * 0x9E3779B97F4A7C15UL, false, e.Prompt!.SimHash, 0));
    }

    [Benchmark]
    public double ProxyAssess() => _proxy.Assess(_policy, ReasonCodes.ProxyFanout).Score;

    [Benchmark]
    public Decision Decide() => DecisionRules.Decide(_policy, _account.Assess(_policy).ToRisk(OverrideAction.None, _account.Events));
}
