using Microsoft.AspNetCore.Mvc.RazorPages;
using Risk.Contracts;

namespace Risk.Silo.OpsConsole.Pages;

/// <summary>One cluster: its pooled signals, and a graph of its recent members and what links them.</summary>
public sealed class ClusterModel(IGrainFactory grains) : PageModel
{
    public string Id { get; private set; } = "";
    public string? Problem { get; private set; }
    public ClusterView? View { get; private set; }
    public IReadOnlyList<AccountVerdict> Members { get; private set; } = [];
    public ClusterGraph? Graph { get; private set; }

    public async Task OnGetAsync(string? id)
    {
        Id = id ?? "";
        if (Id.Length is 0 or > GrainKeys.MaxEncodedLength)
        {
            Problem = "No such cluster id.";
            return;
        }
        var view = View = await grains.Grain<IClusterGrain>(Id).View();
        Members = await Task.WhenAll(view.RecentMembers.Take(ClusterGraph.MaxAccounts)
            .Select(m => grains.Grain<IAccountGrain>(GrainKeys.Account(m)).GetVerdict()));
        Graph = ClusterGraph.Of(Members);
    }
}
