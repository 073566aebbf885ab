using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BudgetEvaluation.Api;

public static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string Header = "X-Api-Key";
}

public static class Policies
{
    /// <summary>Changes reserved to the finance bureau.</summary>
    public const string Finance = "finance";

    /// <summary>Uploading actuals: finance, and departments for their own projects (auditors change nothing).</summary>
    public const string Upload = "upload";

    /// <summary>The Hangfire dashboard: finance, and auditors read-only.</summary>
    public const string Dashboard = "dashboard";
}

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the stored hashes. Browsers cannot send that header to the
/// Hangfire dashboard, so HTTP Basic is accepted too, with the key as the password (the user name is ignored).
/// Refusals (401, 403) answer with problem details and leave an audit entry, written even if the client has gone;
/// the key itself is never recorded.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    AuditLog audit,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null)
            return AuthenticateResult.NoResult();
        var key = await keys.FindActiveAsync(presented, Context.RequestAborted);
        if (key is null)
            return AuthenticateResult.Fail("invalid or revoked API key");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Role, key.Role),
        };
        if (key.DepartmentId is { } departmentId)
        {
            claims.Add(new(Caller.DepartmentIdClaim, departmentId.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new(Caller.DepartmentClaim, key.Department ?? ""));
        }
        var identity = new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.NameIdentifier, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var detail = PresentedKey(Request) is null
            ? $"缺少 API 密钥：请在请求头 {ApiKeyDefaults.Header} 中提供"
            : "API 密钥无效或已被吊销";
        await audit.WriteAsync(Actor.Anonymous, "request.refused", AuditOutcome.Unauthenticated, RequestLine(Request), new { status = 401 }, CancellationToken.None);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Request.Path.StartsWithSegments("/hangfire")
            ? "Basic realm=\"budgeteval\", charset=\"UTF-8\""
            : $"{ApiKeyDefaults.Scheme} header=\"{ApiKeyDefaults.Header}\"";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var caller = Caller.From(Context.User);
        await audit.WriteAsync(caller?.Actor ?? Actor.Anonymous, "request.refused", AuditOutcome.Forbidden, RequestLine(Request), new { status = 403 }, CancellationToken.None);
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(StatusCodes.Status403Forbidden, $"角色“{Problems.RoleName(caller?.Role)}”无权执行此操作：{RequestLine(Request)}");
    }

    private async Task WriteProblemAsync(int status, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = Problems.Title(status), Detail = detail },
        });

    public static string RequestLine(HttpRequest request) => $"{request.Method} {request.Path}";

    private static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers[ApiKeyDefaults.Header].ToString().Trim();
        if (header.Length > 0)
            return header;
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var auth)
            && string.Equals(auth.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && auth.Parameter is { } parameter)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                var password = colon < 0 ? "" : decoded[(colon + 1)..];
                return password.Length > 0 ? password : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }
}
