namespace BudgetEvaluation.Web;

/// <summary>Response headers that keep pages from being framed, sniffed or fed foreign scripts.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The pages' policy: everything from this origin only, no inline script. Inline style attributes are allowed
    /// because the official table (Core's HtmlReport) sizes its columns with them; inline style blocks are not.
    /// </summary>
    public const string PagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>
    /// Hangfire's dashboard and the API's OpenAPI UI bring their own inline scripts; they only may not be framed.
    /// </summary>
    public const string ThirdPartyPolicy = "frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            var path = context.Request.Path;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = path.StartsWithSegments("/hangfire") || path.StartsWithSegments("/scalar")
                ? ThirdPartyPolicy
                : PagePolicy;
            if (IsPage(path))
                headers.CacheControl = "no-store";
            await next(context);
        });

    /// <summary>A web page (anything but the API, the dashboards, health and the assets): never cached, it shows one user's data.</summary>
    public static bool IsPage(PathString path) =>
        !(path.StartsWithSegments("/api") || path.StartsWithSegments("/hangfire") || path.StartsWithSegments("/scalar")
          || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/health") || path.StartsWithSegments("/assets"));
}
