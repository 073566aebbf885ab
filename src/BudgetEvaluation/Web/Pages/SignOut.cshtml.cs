using BudgetEvaluation.Api;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages;

/// <summary>Ends the session (a form post with its antiforgery token, so no other site can sign a user out).</summary>
public sealed class SignOutModel(AuditLog audit) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (Caller.From(User) is { } caller)
            await audit.WriteAsync(caller.Actor, "web.signout", AuditOutcome.Succeeded, $"api_key:{caller.KeyId}", cancellationToken: CancellationToken.None);
        await HttpContext.SignOutAsync(WebSession.Scheme);
        return Redirect(WebSession.SignInPath + "?signedOut=true");
    }
}
