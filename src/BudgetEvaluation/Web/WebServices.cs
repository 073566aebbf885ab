using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Threading.RateLimiting;
using BudgetEvaluation.Api;
using BudgetEvaluation.Data;
using BudgetEvaluation.Web.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.WebEncoders;

namespace BudgetEvaluation.Web;

public static class WebServices
{
    /// <summary>The sign-in form's rate limit policy.</summary>
    public const string SignInRateLimit = "signin";

    /// <summary>Razor Pages under <c>Web/Pages</c>, the session cookie, antiforgery and the sign-in rate limit.</summary>
    public static IServiceCollection AddWeb(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(WebOptions.Section);
        var options = section.Get<WebOptions>() ?? new WebOptions();
        services.Configure<WebOptions>(section);

        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Web/Pages";
            o.Conventions.AuthorizeFolder("/", WebSession.Policy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
        }).ConfigureApplicationPartManager(AddPages);
        // Chinese stays readable in the page source; characters that matter in HTML are still escaped.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "budgeteval.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "__antiforgery";
        });
        KeyHeaderAntiforgery.Decorate(services);
        services.AddAuthentication()
            .AddCookie(WebSession.Scheme, o => WebSession.Configure(o, options))
            .AddPolicyScheme(WebSession.SelectorScheme, null, o => o.ForwardDefaultSelector = WebSession.SelectScheme);
        // Registered after AddApi, so this replaces its default; the selector keeps the API on X-Api-Key.
        services.Configure<AuthenticationOptions>(o => o.DefaultScheme = WebSession.SelectorScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(WebSession.Policy, p => p.AddAuthenticationSchemes(WebSession.Scheme).RequireAuthenticatedUser());

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = OnSignInRejectedAsync;
            // Only posts count: showing the form is free, guessing keys is not.
            o.AddPolicy(SignInRateLimit, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.SignInPermitLimit,
                    Window = options.SignInWindow,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
        });

        services.AddSingleton<DashboardQuery>();
        services.AddSingleton<Actuals.DeviationNotes>();
        services.AddSingleton<Runs.RunList>();
        return services;
    }

    /// <summary>
    /// Adds this assembly's compiled pages when the host's application is another one (the tests run the host
    /// inside the test runner, whose entry assembly has no pages).
    /// </summary>
    private static void AddPages(ApplicationPartManager manager)
    {
        var assembly = typeof(WebServices).Assembly;
        if (manager.ApplicationParts.Any(p => p is AssemblyPart a && a.Assembly == assembly))
            return;
        foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
            manager.ApplicationParts.Add(part);
    }

    /// <summary>Security headers, Chinese pages for bodiless errors of pages, the rate limiter; call before authentication.</summary>
    public static IApplicationBuilder UseWeb(this IApplicationBuilder app) =>
        app.UseSecurityHeaders().UseStatusCodePages(StatusPages.WriteAsync).UseRateLimiter();

    public static IEndpointRouteBuilder MapWeb(this IEndpointRouteBuilder routes)
    {
        routes.MapAssets();
        routes.MapRazorPages();
        return routes;
    }

    private static async ValueTask OnSignInRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var audit = http.RequestServices.GetRequiredService<AuditLog>();
        await audit.WriteAsync(Actor.Anonymous, "request.refused", AuditOutcome.Rejected, ApiKeyAuthenticationHandler.RequestLine(http.Request),
            new { status = 429, address = http.Connection.RemoteIpAddress?.ToString() }, CancellationToken.None);
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await StatusPages.WriteAsync(http, StatusCodes.Status429TooManyRequests, "登录尝试过于频繁",
            "同一地址的登录尝试次数已达上限，请稍后再试。", WebSession.SignInPath, "返回登录页");
    }
}
