using System.Globalization;
using System.Security.Claims;
using BudgetEvaluation.Api;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BudgetEvaluation.Web;

/// <summary>
/// The browser session: an API key entered once on the sign-in page becomes a cookie carrying the key's id, role
/// and department (never the key). The API keeps its own <c>X-Api-Key</c> scheme; the cookie is accepted only
/// outside <c>/api</c>, so a page session can never call the API (no cross-site request can change data there).
/// </summary>
public static class WebSession
{
    /// <summary>The cookie scheme of the pages.</summary>
    public const string Scheme = "Session";

    /// <summary>The default scheme: the API key when one is presented or under <c>/api</c>, else the session cookie if sent.</summary>
    public const string SelectorScheme = "KeyOrSession";

    /// <summary>The authorization policy of every page except sign-in.</summary>
    public const string Policy = "web";

    public const string CookieName = "budgeteval.session";

    public const string KeyNameClaim = "budgeteval:key_name";

    public const string SignInPath = "/signin";

    public const string ForbiddenPath = "/forbidden";

    /// <summary>Which scheme authenticates a request that names none.</summary>
    public static string SelectScheme(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/api")
            || request.Headers.ContainsKey(ApiKeyDefaults.Header)
            || request.Headers.ContainsKey("Authorization"))
            return ApiKeyDefaults.Scheme;
        return request.Cookies.ContainsKey(CookieName) ? Scheme : ApiKeyDefaults.Scheme;
    }

    /// <summary>The session's identity: the same claims the API key scheme gives, plus the key's name for display.</summary>
    public static ClaimsPrincipal Principal(ApiKey key)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Role, key.Role),
            new(KeyNameClaim, key.Name),
        };
        if (key.DepartmentId is { } departmentId)
        {
            claims.Add(new(Caller.DepartmentIdClaim, departmentId.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new(Caller.DepartmentClaim, key.Department ?? ""));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ClaimTypes.NameIdentifier, ClaimTypes.Role));
    }

    public static void Configure(CookieAuthenticationOptions options, WebOptions web)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.IsEssential = true;
        options.ExpireTimeSpan = web.SessionIdleTimeout;
        options.SlidingExpiration = true;
        options.LoginPath = SignInPath;
        options.AccessDeniedPath = ForbiddenPath;
        options.Events = new CookieAuthenticationEvents
        {
            // A revoked key ends its sessions at their next request.
            OnValidatePrincipal = async context =>
            {
                var caller = context.Principal is { } principal ? Caller.From(principal) : null;
                var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
                if (caller is null || !await keys.IsActiveAsync(caller.KeyId, context.HttpContext.RequestAborted))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(Scheme);
                }
            },
            // Outside the pages (the job dashboard) a refusal is audited like the API's.
            OnRedirectToAccessDenied = async context =>
            {
                var http = context.HttpContext;
                var caller = Caller.From(http.User);
                var audit = http.RequestServices.GetRequiredService<AuditLog>();
                await audit.WriteAsync(caller?.Actor ?? Actor.Anonymous, "request.refused", AuditOutcome.Forbidden,
                    ApiKeyAuthenticationHandler.RequestLine(http.Request), new { status = 403 }, CancellationToken.None);
                http.Response.Redirect(context.RedirectUri);
            },
        };
    }
}
