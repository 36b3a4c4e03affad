using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Risk.Client;
using Risk.Client.Gateway;
using Risk.Contracts;
using Risk.Edge;
using Risk.Silo.Auth;

namespace Risk.Silo.Apis;

/// <summary>
/// Analysts' reviews of accounts and the decisions tally, over HTTP and for the console. A review is an analyst's
/// job, so analysts may make one although they may not set overrides directly: the override a review brings is
/// recorded in the policy history with the review's label and reviewer, so every one can be traced and undone.
/// </summary>
public static class ReviewApi
{
    /// <summary>How many days back <c>GET /v1/reviews</c> reads without <c>since</c>, and at most with it.</summary>
    private const int DefaultDays = 30, MaxDays = 366;

    public static void MapReviewApi(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        app.MapPost("/v1/reviews", Post).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
        app.MapGet("/v1/reviews", List).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
        app.MapGet("/v1/decisions/tally", Tally).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
    }

    /// <summary>
    /// Reviews an account: reads its decision now (what the label judges), sets its override (confirm blocks, clear
    /// allows), keeps the review with the account and appends it to the day's log. Each step is stored before the
    /// next, so a review that was acknowledged is in force, on the account and in the log.
    /// </summary>
    /// <param name="adminSecret">The silos' admin secret, when they have one: overrides and reviews are admin calls.</param>
    /// <param name="reviewer">Who reviews, as the policy history records actors (<c>key:NAME</c>).</param>
    /// <exception cref="ArgumentException">The account or note is not acceptable; the message says why.</exception>
    public static async Task<AccountReview> Submit(IGrainFactory grains, string? adminSecret, string account, ReviewVerdict verdict,
        ReviewLabel label, string? note, string reviewer)
    {
        DecisionRules.CanonicalRequest(account, null, null);
        if (note is { Length: > AccountReview.MaxNote }) throw new ArgumentException($"note: longer than {AccountReview.MaxNote} characters");
        if (string.IsNullOrWhiteSpace(note)) note = null;
        if (!Enum.IsDefined(verdict)) throw new ArgumentException("verdict: confirm or clear");
        if (!Enum.IsDefined(label)) throw new ArgumentException("label: fraud or benign");
        var grain = grains.GetGrain<IAccountGrain>(GrainKeys.Account(account));
        var before = (await grain.GetVerdict()).Decision;
        var action = verdict == ReviewVerdict.Confirm ? OverrideAction.Block : OverrideAction.Allow;
        var reason = $"review: {Name(label)} by {reviewer}" + (note is null ? "" : $": {note}");
        var review = new AccountReview(account, verdict, label, note, reviewer, DateTime.UtcNow, before);
        await AdminCall.With(adminSecret, async () =>
        {
            await AdminApi.Policy(grains).SetOverride(EntityKind.Account, account, action, reviewer, reason);
            await grain.Reviewed(review);
            return true;
        });
        await Log(grains, review);
        return review;
    }

    /// <summary>Appends to the review's day, on the first page with room.</summary>
    private static async Task Log(IGrainFactory grains, AccountReview review)
    {
        var day = DateOnly.FromDateTime(review.At);
        for (var page = 0; page < ReviewLog.MaxPagesPerDay; page++)
            if (await grains.GetGrain<IReviewLogGrain>(IReviewLogGrain.Key(day, page)).Add(review)) return;
        throw new InvalidOperationException($"the review log of {day:yyyy-MM-dd} is full");
    }

    private static string Name(ReviewLabel label) => label == ReviewLabel.Fraud ? "fraud" : "benign";

    public sealed record ReviewBody(string? Account, string? Verdict, string? Label, string? Note);

    private const string Expected =
        "expected {\"account\": \"...\", \"verdict\": \"confirm|clear\", \"label\": \"fraud|benign\" (optional), \"note\": \"...\" (optional)}";

    private static async Task<IResult> Post(HttpRequest request, IGrainFactory grains, ClaimsPrincipal user)
    {
        var body = await AdminApi.Read<ReviewBody>(request);
        ReviewVerdict? verdict = body?.Verdict switch { "confirm" => ReviewVerdict.Confirm, "clear" => ReviewVerdict.Clear, _ => null };
        ReviewLabel? label = body?.Label switch
        {
            "fraud" => ReviewLabel.Fraud,
            "benign" => ReviewLabel.Benign,
            null => verdict == ReviewVerdict.Confirm ? ReviewLabel.Fraud : ReviewLabel.Benign,
            _ => null,
        };
        if (body?.Account is null || verdict is null || label is null) return Results.Problem(Expected, statusCode: 400);
        try
        {
            var review = await Submit(grains, AdminApi.Secret(request), body.Account, verdict.Value, label.Value, body.Note, AdminApi.Actor(user));
            return Results.Json(review, Wire.Json);
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: 400);
        }
    }

    private static async Task<IResult> List(HttpContext http, IGrainFactory grains, string? since)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = today.AddDays(-DefaultDays);
        if (since is not null && !DateOnly.TryParseExact(since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out from))
            return Results.Problem("since: a day as YYYY-MM-DD", statusCode: 400);
        if (from < today.AddDays(-MaxDays)) return Results.Problem($"since: at most {MaxDays} days back", statusCode: 400);
        // Streamed a line at a time: a month of a busy team's reviews need not be held at once.
        http.Response.ContentType = "application/x-ndjson";
        var newline = Encoding.UTF8.GetBytes("\n");
        await foreach (var review in ReviewLog.Read(grains, from, today).WithCancellation(http.RequestAborted))
        {
            await JsonSerializer.SerializeAsync(http.Response.Body, review, Wire.Json, http.RequestAborted);
            await http.Response.Body.WriteAsync(newline, http.RequestAborted);
        }
        return Results.Empty;
    }

    private static async Task<IResult> Tally(IGrainFactory grains, RiskGateway gateway, int? hours)
    {
        var window = hours ?? 6;
        if (window is < 1 or > 48) return Results.Problem("hours: 1 to 48", statusCode: 400);
        // This silo's own counts are sent first, so decisions it just answered are in; other gateways' arrive within their report interval.
        await gateway.ReportTally();
        var buckets = await grains.GetGrain<IDecisionTallyGrain>(IPolicyGrain.Default).Get(TimeSpan.FromHours(window));
        return Results.Json(buckets, Wire.Json);
    }
}
