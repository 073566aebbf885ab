using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace BudgetEvaluation.Web.Pages;

/// <summary>Sign-in with an API key: the key is checked once and a session cookie (without the key) replaces it.</summary>
[EnableRateLimiting(WebServices.SignInRateLimit)]
public sealed class SignInModel(ApiKeyStore keys, AuditLog audit) : PageModel
{
    [BindProperty]
    public string? Key { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool SignedOut { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        if (User.Identity?.IsAuthenticated == true && User.Identity.AuthenticationType == WebSession.Scheme)
            return LocalRedirect(Destination);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        SignedOut = false;
        var presented = Key?.Trim() ?? "";
        Key = null;
        if (presented.Length == 0)
        {
            Error = "请输入 API 密钥。";
            return Page();
        }
        var key = await keys.FindActiveAsync(presented, cancellationToken);
        if (key is null)
        {
            await audit.WriteAsync(Actor.Anonymous, "web.signin", AuditOutcome.Unauthenticated, "POST " + Request.Path, new { status = 200 }, CancellationToken.None);
            Error = "API 密钥无效或已被吊销，请核对后重新输入；如仍无法登录，请联系财政局系统管理员。";
            return Page();
        }
        await HttpContext.SignInAsync(WebSession.Scheme, WebSession.Principal(key), new AuthenticationProperties { IsPersistent = false });
        await audit.WriteAsync(new Actor($"key:{key.Id}", key.Role, key.Department), "web.signin", AuditOutcome.Succeeded, $"api_key:{key.Id}", cancellationToken: CancellationToken.None);
        return LocalRedirect(Destination);
    }

    /// <summary>Where to go after signing in: the page that asked, if it is on this site.</summary>
    private string Destination => !string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
}
