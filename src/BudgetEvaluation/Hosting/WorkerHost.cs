namespace BudgetEvaluation.Hosting;

/// <summary>
/// The host of <c>budgeteval worker</c>: the service without HTTP — data, pull sources and a Hangfire server over the
/// configured database. Started beside <c>serve</c> (or several times), it takes its share of the jobs from the same
/// storage: the department jobs of a run spread over every server.
/// </summary>
public static class WorkerHost
{
    /// <summary>A builder reading appsettings.json beside the executable, environment variables and <paramref name="args"/>.</summary>
    public static HostApplicationBuilder CreateBuilder(string[]? args = null) =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });

    /// <summary>Registers the services; configure the builder (connection string) first. The Hangfire server is always on here.</summary>
    public static IHost Build(HostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ServiceOptions.Section);
        var options = section.Get<ServiceOptions>() ?? new ServiceOptions();
        options.Jobs.Server = true;
        // A worker never loads the demo: that belongs to the instance that owns a throwaway database.
        builder.Services.Configure<ServiceOptions>(section);
        builder.Services.PostConfigure<ServiceOptions>(o => o.LoadDemoData = false);
        builder.Services.AddServiceCore(builder.Configuration, options);
        return builder.Build();
    }
}
