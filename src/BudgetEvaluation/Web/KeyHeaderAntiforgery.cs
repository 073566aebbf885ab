using BudgetEvaluation.Api;
using Microsoft.AspNetCore.Antiforgery;

namespace BudgetEvaluation.Web;

/// <summary>
/// Antiforgery that lets requests carrying an <c>X-Api-Key</c> header through. The pages need it, and once it is
/// registered Hangfire's dashboard demands a token on every command too, which would break scripts that post to
/// the dashboard with a key. A forged cross-site request cannot carry a custom header (the browser would first ask
/// by a CORS preflight, which this service never grants), so such a request is no forgery; cookie sessions and
/// HTTP Basic in a browser still need the token.
/// </summary>
public sealed class KeyHeaderAntiforgery(IAntiforgery inner) : IAntiforgery
{
    public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext) => inner.GetAndStoreTokens(httpContext);

    public AntiforgeryTokenSet GetTokens(HttpContext httpContext) => inner.GetTokens(httpContext);

    public Task<bool> IsRequestValidAsync(HttpContext httpContext) =>
        HasKeyHeader(httpContext) ? Task.FromResult(true) : inner.IsRequestValidAsync(httpContext);

    public Task ValidateRequestAsync(HttpContext httpContext) =>
        HasKeyHeader(httpContext) ? Task.CompletedTask : inner.ValidateRequestAsync(httpContext);

    public void SetCookieTokenAndHeader(HttpContext httpContext) => inner.SetCookieTokenAndHeader(httpContext);

    private static bool HasKeyHeader(HttpContext httpContext) =>
        !string.IsNullOrWhiteSpace(httpContext.Request.Headers[ApiKeyDefaults.Header]);

    /// <summary>Wraps the registered antiforgery service; call after <c>AddAntiforgery</c>.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IAntiforgery));
        services.Remove(registered);
        services.AddSingleton<IAntiforgery>(sp => new KeyHeaderAntiforgery(
            (IAntiforgery)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
    }
}
