using Risk.Silo;
using Risk.Silo.Apis;
using Risk.Silo.Auth;
using Risk.Silo.OpsConsole;

// appsettings.json sits beside the program, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, RiskSiloExtensions.Switches);
builder.AddRiskSilo();
builder.AddRiskHttp();
builder.AddRiskAuth();
builder.AddRiskDashboard();
builder.AddRiskConsole();
var app = builder.Build();
app.LogAuth();
// Rate limits are per key, so they come after the key is known.
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapEventsApi();
app.MapMirrorApi();
app.MapDecisionApi();
app.MapHealthApi();
app.MapAdminApi();
app.MapPolicyVersionsApi();
app.MapShadowApi();
app.MapReviewApi();
app.MapStixApi();
app.MapDashboardApi();
app.MapRiskConsole();
await app.RunAsync();
