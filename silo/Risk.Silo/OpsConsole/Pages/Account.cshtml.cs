using Microsoft.AspNetCore.Mvc.RazorPages;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Silo.OpsConsole.Pages;

/// <summary>One account: its decision, what each part contributed (as `risk explain` shows), its hours, its review.</summary>
public sealed class AccountModel(IGrainFactory grains) : PageModel
{
    public string Id { get; private set; } = "";
    public string? Problem { get; private set; }
    public AccountExplanation? Explanation { get; private set; }
    public IReadOnlyList<TimelinePoint> Timeline { get; private set; } = [];
    public AccountReview? Review { get; private set; }
    public List<(string From, EntityRisk Risk)> Parts { get; } = [];
    public IReadOnlyList<(string Name, string Value)> Signals { get; private set; } = [];

    public async Task OnGetAsync(string? id)
    {
        Id = id ?? "";
        IAccountGrain account;
        try
        {
            account = grains.Grain<IAccountGrain>(GrainKeys.Account(Id));
        }
        catch (ArgumentException e)
        {
            Problem = e.Message;
            return;
        }
        var explanation = account.Explain();
        var timeline = account.Timeline();
        var review = account.Review();
        var x = Explanation = await explanation;
        Timeline = await timeline;
        Review = await review;
        Parts.Add(("own signals", x.Own));
        if (x.Cluster is { } c) Parts.Add(($"cluster ({c.Members} members, {c.FlaggedMembers} flagged by their own signals)", c.Risk));
        if (x.Ip is { } ip) Parts.Add(("latest IP", ip));
        if (x.Proxy is { } proxy) Parts.Add(("latest proxy", proxy));
        Signals = SignalLines.Of(x.Signals);
    }
}
