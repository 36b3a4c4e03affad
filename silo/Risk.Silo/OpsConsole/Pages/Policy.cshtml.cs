using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Risk.Client.Gateway;
using Risk.Contracts;
using Risk.Edge;
using Risk.Silo.Apis;

namespace Risk.Silo.OpsConsole.Pages;

/// <summary>The policy: its versions and their differences, a change, a rollback, and the shadow candidate with its report.</summary>
public sealed class PolicyModel(IGrainFactory grains, RiskGateway gateway) : PageModel
{
    public RiskPolicy Current { get; private set; } = null!;
    public PolicyView View { get; private set; } = null!;
    public HashSet<string> Changed { get; private set; } = [];
    public PolicyVersions Versions { get; private set; } = null!;
    public ShadowPolicy? Shadow { get; private set; }
    public ShadowCounts Report { get; private set; } = ShadowCounts.None;
    public long? From { get; private set; }
    public long? To { get; private set; }
    public IReadOnlyDictionary<string, (double From, double To)>? Diff { get; private set; }
    public bool IsAdmin { get; private set; }
    public string? Notice { get; private set; }
    public string? Problem { get; private set; }

    private IPolicyGrain Grain => grains.GetGrain<IPolicyGrain>(IPolicyGrain.Default);

    public string Value(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "default";

    public async Task OnGetAsync(long? from, long? to)
    {
        (From, To) = (from, to);
        if (from is { } f && to is { } t)
            try
            {
                Diff = PolicyCatalog.Differences(await Grain.At(f), await Grain.At(t));
            }
            catch (ArgumentException e)
            {
                Problem = e.Message;
            }
        await Load();
    }

    public Task<IActionResult> OnPostChangeAsync([FromForm] string? set, [FromForm] string? reason) =>
        Admin(async actor => $"Policy v{(await Grain.Change(Lines(set), actor, Reason(reason))).Version} is in force.");

    public Task<IActionResult> OnPostRollbackAsync([FromForm] long version, [FromForm] string? reason) =>
        Admin(async actor => $"v{version}'s settings are back, as v{(await Grain.Rollback(version, actor, Reason(reason))).Version}.");

    public Task<IActionResult> OnPostShadowAsync([FromForm] string? set, [FromForm] string? reason) =>
        Admin(async actor => $"Candidate {(await Grain.SetShadow(Lines(set), actor, Reason(reason))).Id} is in shadow: decisions are compared from now on.");

    public Task<IActionResult> OnPostClearShadowAsync([FromForm] string? reason) =>
        Admin(async actor => await Grain.ClearShadow(actor, Reason(reason)) is { } ended ? $"Candidate {ended.Id} is out of shadow." : "No candidate was in shadow.");

    /// <summary>Changes are an admin's, with the admin secret the silos ask for; a refusal is shown with why.</summary>
    private async Task<IActionResult> Admin(Func<string, Task<string>> change)
    {
        if (!ConsoleSetup.IsAdmin(HttpContext, User)) return StatusCode(StatusCodes.Status403Forbidden);
        try
        {
            Notice = await AdminCall.With(AdminApi.Secret(Request), () => change(ConsoleSetup.Actor(User)));
        }
        catch (ArgumentException e)
        {
            Problem = e.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await Load();
        return Page();
    }

    private static IReadOnlyDictionary<string, double> Lines(string? set) =>
        PolicyJson.Pairs((set ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#')));

    private static string? Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();

    private async Task Load()
    {
        IsAdmin = ConsoleSetup.IsAdmin(HttpContext, User);
        var current = Grain.Get();
        var versions = Grain.Versions(20);
        var shadow = Grain.GetShadow();
        Current = await current;
        View = new PolicyView(Current);
        Changed = PolicyCatalog.Differences(PolicyCatalog.Initial(Current.UpdatedAt), Current).Keys.ToHashSet();
        Versions = await versions;
        Shadow = await shadow;
        if (Shadow is { } s)
        {
            // This silo's comparisons are counted at once; other gateways' arrive within their report interval.
            await gateway.ReportShadow();
            Report = await grains.GetGrain<IShadowReportGrain>(IPolicyGrain.Default).Get(s.Id);
        }
    }
}
