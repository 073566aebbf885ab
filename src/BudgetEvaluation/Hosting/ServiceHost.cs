using BudgetEvaluation.Actuals;
using BudgetEvaluation.Api;
using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs;
using BudgetEvaluation.Jobs.Sources;
using BudgetEvaluation.Scoring;
using BudgetEvaluation.Targets;
using BudgetEvaluation.Web;
using Microsoft.AspNetCore.Http.Features;

namespace BudgetEvaluation.Hosting;

/// <summary>The web host of <c>budgeteval serve</c>: the API, the Hangfire server and dashboard. Tests build the same host.</summary>
public static class ServiceHost
{
    /// <summary>A builder reading appsettings.json beside the executable, environment variables and <paramref name="args"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(string[]? args = null) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });

    /// <summary>Registers the services and maps the endpoints; configure the builder (connection string, URLs) first.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ServiceOptions.Section);
        var options = section.Get<ServiceOptions>() ?? new ServiceOptions();
        builder.Services.Configure<ServiceOptions>(section);
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(ServiceOptions.DefaultUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxRequestBytes);

        builder.Services.AddServiceCore(builder.Configuration, options);
        builder.Services.AddApi();
        builder.Services.AddWeb(builder.Configuration);

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = Problems.StatusFor });
        app.UseStatusCodePages();
        app.UseWeb();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapApi();
        app.MapJobsDashboard();
        app.MapWeb();
        return app;
    }

    /// <summary>
    /// Everything but HTTP: data, import and upload, the job storage and (when configured) a Hangfire server, the
    /// pull sources. The web host and the worker host (<c>budgeteval worker</c>) both take exactly these.
    /// </summary>
    public static IServiceCollection AddServiceCore(this IServiceCollection services, IConfiguration configuration, ServiceOptions options)
    {
        services.AddData(configuration);
        services.AddSingleton<TargetImport>();
        services.AddSingleton<RulesUpload>();
        services.AddSingleton<StoredProjects>();
        services.AddSingleton<ActualsUpload>();
        services.AddSingleton<SchemeCatalog>();
        services.AddSingleton<DemoData>();
        // Registered before the Hangfire server so the schema is in place before any job runs.
        services.AddHostedService<DatabaseStartup>();
        services.AddSingleton<RulePacks>();
        services.AddHostedService(provider => provider.GetRequiredService<RulePacks>());
        services.AddJobs(options.Jobs);
        services.AddActualsSources(options.Sources);
        return services;
    }
}
