using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Risk.Silo.Auth;

namespace Risk.Silo.OpsConsole.Pages;

/// <summary>Exchanges an analyst's or admin's key for a console session, and ends it.</summary>
public sealed class SignInModel(ApiKeys keys, SignInGuard guard, ILogger<SignInModel> log) : PageModel
{
    public string? Problem { get; private set; }
    public string ReturnUrl { get; private set; } = "/console/";

    public IActionResult OnGet(string? returnUrl)
    {
        ReturnUrl = Local(returnUrl);
        return keys.Enabled ? Page() : LocalRedirect(ReturnUrl);
    }

    public async Task<IActionResult> OnPostAsync([FromForm] string? key, [FromForm] string? returnUrl)
    {
        ReturnUrl = Local(returnUrl);
        if (!keys.Enabled) return LocalRedirect(ReturnUrl);
        var address = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (guard.Exhausted(address))
        {
            Problem = "Too many keys were refused from this address: wait a minute.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = "60";
            return Page();
        }
        var found = string.IsNullOrWhiteSpace(key) ? null : keys.Find(key.Trim());
        if (found is null)
        {
            guard.Refused(address);
            log.LogWarning("Console sign-in refused: unknown key from {Address}", HttpContext.Connection.RemoteIpAddress);
            Problem = "That key is not one this silo accepts.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        if (found.Role is not (ApiRole.Analyst or ApiRole.Admin))
        {
            log.LogWarning("Console sign-in refused: key {Name} has role {Role}", found.Name, found.Role);
            Problem = $"A {found.Role.ToString().ToLowerInvariant()} key cannot use the console: sign in with an analyst or admin key.";
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        await HttpContext.SignInAsync(ConsoleSetup.Scheme, ConsoleSetup.Principal(found));
        log.LogInformation("Console sign-in: key {Name} ({Role})", found.Name, found.Role);
        return LocalRedirect(ReturnUrl);
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(ConsoleSetup.Scheme);
        return LocalRedirect("/console/signin");
    }

    /// <summary>Only a page of the console: a sign-in link must not send the user anywhere else.</summary>
    private static string Local(string? url) =>
        url is { Length: > 0 } && url.StartsWith(ConsoleSetup.Path + "/", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\')
            ? url : "/console/";
}
