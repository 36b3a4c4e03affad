using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Risk.Client;
using Risk.Contracts;
using Risk.Silo.Apis;

namespace Risk.Silo.OpsConsole.Pages;

/// <summary>Challenged accounts waiting for an analyst, and the reviews made today.</summary>
public sealed class ReviewModel(IGrainFactory grains) : PageModel
{
    private const int Shown = 100;

    public IReadOnlyList<WatchedAccount> Queue { get; private set; } = [];
    public IReadOnlyList<AccountReview> Today { get; private set; } = [];
    public AccountReview? Done { get; private set; }
    public string? Problem { get; private set; }

    public Task OnGetAsync() => Load();

    public async Task<IActionResult> OnPostReviewAsync([FromForm] string? account, [FromForm] string? verdict, [FromForm] string? label, [FromForm] string? note)
    {
        ReviewVerdict? v = verdict switch { "confirm" => ReviewVerdict.Confirm, "clear" => ReviewVerdict.Clear, _ => null };
        ReviewLabel? l = label switch
        {
            "fraud" => ReviewLabel.Fraud,
            "benign" => ReviewLabel.Benign,
            null or "" => v == ReviewVerdict.Confirm ? ReviewLabel.Fraud : ReviewLabel.Benign,
            _ => null,
        };
        if (account is not { Length: > 0 } || v is null || l is null)
        {
            Problem = "A review needs an account, confirm or clear, and a label of fraud or benign.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            try
            {
                Done = await ReviewApi.Submit(grains, AdminApi.Secret(Request), account, v.Value, l.Value, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ConsoleSetup.Actor(User));
            }
            catch (ArgumentException e)
            {
                Problem = e.Message;
                Response.StatusCode = StatusCodes.Status400BadRequest;
            }
        }
        await Load();
        return Page();
    }

    private async Task Load()
    {
        var flagged = await grains.GetGrain<IWatchlistGrain>(IWatchlistGrain.Default).Flagged(1000);
        Queue = flagged.Where(a => a.Action == DecisionAction.Challenge && a.Account != Done?.Account)
            .OrderBy(a => a.FirstFlaggedAt ?? a.At).Take(Shown).ToList();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Today = await ReviewLog.Read(grains, today, today).ToListAsync();
    }
}
