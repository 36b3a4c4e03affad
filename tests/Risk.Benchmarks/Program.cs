using System.CommandLine;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Risk.Benchmarks;

// Risk.Benchmarks [--quick|--smoke] [--no-nginx] [--no-azurite] [--no-failover] [--no-seed-scale] [--decide-load 0.5]: the engine
// and the gateway path against a baseline taken in the same run, on this machine, and a silo's kill and restart.
// Progress goes to stderr; the last line of stdout is one JSON object for scripts.
// Risk.Benchmarks micro [BenchmarkDotNet arguments]: sketches, features and scoring, one part at a time.
var quick = new Option<bool>("--quick") { Description = "Every step small, about three minutes; no seed-scale step" };
var smoke = new Option<bool>("--smoke") { Description = "A few seconds: checks that the harness runs and prints every figure" };
var noNginx = new Option<bool>("--no-nginx") { Description = "Skip the nginx step" };
var noAzurite = new Option<bool>("--no-azurite") { Description = "Skip the steps on Azurite: storage (azurite_vs_memory is then null) and failover" };
var noFailover = new Option<bool>("--no-failover") { Description = "Skip the step that kills and restarts a silo of three on Azurite (its figures are then null)" };
var noSeedScale = new Option<bool>("--no-seed-scale") { Description = "Skip the 16-million-event step of a full run" };
var decideLoad = new Option<double>("--decide-load")
{
    Description = "The share of the measured maximum ingest that runs while decisions are measured (the issue's is 0.5)",
    DefaultValueFactory = _ => 0.5,
};
decideLoad.Validators.Add(result =>
{
    if (result.GetValueOrDefault<double>() is <= 0 or > 1) result.AddError("--decide-load is a share of the maximum: more than 0, at most 1");
});
var root = new RootCommand("Measures Risk against what Orleans itself does on this machine") { quick, smoke, noNginx, noAzurite, noFailover, noSeedScale, decideLoad };
root.SetAction(async (parse, ct) =>
{
    var scale = parse.GetValue(smoke) ? Scale.Smoke : parse.GetValue(quick) ? Scale.Quick : Scale.Full;
    var run = new BenchmarkRun(scale, nginx: !parse.GetValue(noNginx), azurite: !parse.GetValue(noAzurite),
        failover: !parse.GetValue(noAzurite) && !parse.GetValue(noFailover),
        seedScale: scale == Scale.Full && !parse.GetValue(noSeedScale), decideLoad: parse.GetValue(decideLoad));
    Console.WriteLine(await run.Execute());
    return 0;
});

var micro = new Command("micro", "BenchmarkDotNet over sketches, prompt features and scoring; arguments after it go to BenchmarkDotNet")
{
    TreatUnmatchedTokensAsErrors = false,
};
micro.SetAction(parse =>
{
    // In process: no separate build per benchmark, so it runs from the harness's own Release build. A short run
    // (3 warm-ups, 3 iterations) keeps all of it to a few minutes; the figures are read as ratios within a class.
    var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    BenchmarkSwitcher.FromAssembly(typeof(SketchBenchmarks).Assembly).Run([.. parse.UnmatchedTokens, ..(parse.UnmatchedTokens.Any(t => t.StartsWith("--filter")) ? [] : new[] { "--filter", "*" })], config);
    return 0;
});
root.Subcommands.Add(micro);

// Risk.Benchmarks feed: the decide step's ingest load, in a process of its own (IngestFeed).
var gatewayPort = new Option<int>("--gateway-port") { Required = true };
var clusterId = new Option<string>("--cluster-id") { Required = true };
var scaleName = new Option<string>("--scale") { Required = true };
var seed = new Option<int>("--seed") { Required = true };
var copies = new Option<int>("--copies") { Required = true };
var first = new Option<int>("--first") { Required = true };
var rate = new Option<double>("--rate") { Required = true };
var feed = new Command("feed", "Sends copies of the benchmark traffic to a silo at a set rate until stdin gets a line") { gatewayPort, clusterId, scaleName, seed, copies, first, rate };
feed.SetAction(async parse => await IngestFeed.Run(parse.GetValue(gatewayPort), parse.GetValue(clusterId)!, Scale.Named(parse.GetValue(scaleName)!), parse.GetValue(seed),
    parse.GetValue(copies), parse.GetValue(first), parse.GetValue(rate)));
root.Subcommands.Add(feed);
// Risk.Benchmarks hold [--copies 6]: a silo left holding the quick ingest step's accounts, for a heap snapshot (MemoryHold).
var holdCopies = new Option<int>("--copies") { Description = "Copies of the quick run's traffic to ingest", DefaultValueFactory = _ => Scale.Quick.Copies };
var hold = new Command("hold", "Ingests the quick run's traffic into a silo, prints its process id and keeps it until stdin gets a line") { holdCopies };
hold.SetAction(async parse => await MemoryHold.Run(Scale.Quick, parse.GetValue(holdCopies)));
root.Subcommands.Add(hold);
return await root.Parse(args).InvokeAsync();
