using System.Text.Encodings.Web;
using System.Text.Unicode;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BudgetEvaluation.Api;

public static class ApiServices
{
    /// <summary>Authentication by API key, role policies, problem details and the OpenAPI document.</summary>
    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Localize);
        services.AddExceptionHandler<DatabaseFaultHandler>();
        // Chinese stays readable in responses; characters that matter in HTML are still escaped.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All));
        services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Finance, p => p.RequireAuthenticatedUser().RequireRole(Roles.Finance))
            .AddPolicy(Policies.Upload, p => p.RequireAuthenticatedUser().RequireRole(Roles.Finance, Roles.Department))
            // Auditors read the dashboard; its commands (delete, requeue, trigger) are POSTs and stay with finance,
            // refused here so the refusal is a 403 with an audit entry rather than Hangfire's bare 401.
            .AddPolicy(Policies.Dashboard, p => p.RequireAuthenticatedUser().RequireAssertion(context =>
                context.User.IsInRole(Roles.Finance)
                || (context.User.IsInRole(Roles.Auditor) && context.Resource is HttpContext http
                    && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))));
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "BudgetEvaluation API";
            document.Info.Description = "项目支出绩效目标、实际完成值、评分与报告。请求头 X-Api-Key 携带 API 密钥。";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyDefaults.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyDefaults.Header,
                Description = "API 密钥（budgeteval keys create 生成）",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyDefaults.Scheme, document)] = [] });
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>The endpoints: health, OpenAPI document and its UI, and the API groups.</summary>
    public static WebApplication MapApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.WithTitle("BudgetEvaluation API")).AllowAnonymous();
        app.MapHealthApi();
        app.MapTargetsApi();
        app.MapRulesApi();
        app.MapProjectsApi();
        app.MapTemplatesApi();
        app.MapActualsApi();
        app.MapEvaluationsApi();
        app.MapRemindersApi();
        app.MapReportsApi();
        return app;
    }
}
