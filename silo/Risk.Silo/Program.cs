using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Risk.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddCommandLine(args, RiskSiloExtensions.Switches);
builder.AddRiskSilo();
await builder.Build().RunAsync();
