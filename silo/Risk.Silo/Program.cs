using Risk.Silo;
using Risk.Silo.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, RiskSiloExtensions.Switches);
builder.AddRiskSilo();
builder.AddRiskHttp();
var app = builder.Build();
app.MapEventsApi();
app.MapDecisionApi();
app.MapHealthApi();
await app.RunAsync();
