using BudgetEvaluation.Api;
using BudgetEvaluation.Data;
using BudgetEvaluation.Hosting;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace BudgetEvaluation.Jobs;

public static class JobServices
{
    /// <summary>The Hangfire schema inside the service's database.</summary>
    public const string Schema = "hangfire";

    /// <summary>Hangfire with its storage in the service's PostgreSQL database, and (unless turned off) a server in this process.</summary>
    /// <remarks>
    /// The storage is registered in the container rather than through <c>UsePostgreSqlStorage</c>, which sets the
    /// process-wide <c>JobStorage.Current</c>: two hosts in one process (the tests) would then share one storage.
    /// Enqueue and schedule through the injected <see cref="IBackgroundJobClient"/> and <see cref="IRecurringJobManager"/>.
    /// </remarks>
    public static IServiceCollection AddJobs(this IServiceCollection services, JobOptions options)
    {
        services.AddSingleton<JobStorage>(sp => new PostgreSqlStorage(
            new DataSourceConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>()),
            new PostgreSqlStorageOptions
            {
                SchemaName = Schema,
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = options.QueuePollInterval,
                // A job whose worker died (the process killed) is fetched again after this; while a worker is alive
                // it keeps extending the time, so a long job is never taken twice.
                InvisibilityTimeout = options.InvisibilityTimeout,
                UseSlidingInvisibilityTimeout = true,
            }));
        services.AddTransient<EvaluationJob>();
        services.AddTransient<DepartmentJob>();
        services.AddTransient<SummaryJob>();
        services.AddTransient<ScheduledRunJob>();
        services.AddTransient<ReminderJob>();
        services.AddSingleton<ProjectScoring>();
        services.AddSingleton<MissingActualsReport>();
        services.AddSingleton<ScheduleRegistration>();
        // Tests replace it with a clock of their own to fire the recurring jobs on a chosen date.
        services.TryAddSingleton(TimeProvider.System);
        // Jobs are activated from this host's container. Left to AddHangfire, the activator is the process-wide
        // JobActivator.Current, which every host built afterwards overwrites: with two hosts in one process (the
        // tests) a job could be built from the other host's services, and so work on the other database.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, c) => c
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        // After the database start-up (registered before): the schema and the fiscal years are there.
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleRegistration>());
        if (options.Server)
        {
            services.AddHangfireServer(o =>
            {
                if (options.WorkerCount > 0)
                    o.WorkerCount = options.WorkerCount;
                o.SchedulePollingInterval = options.SchedulePollingInterval;
            });
        }
        return services;
    }

    /// <summary>The dashboard at <c>/hangfire</c>: finance users, and auditors read-only.</summary>
    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder routes) =>
        routes.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            DashboardTitle = "BudgetEvaluation 作业",
            AppPath = "/",
            Authorization = [new DashboardAccess()],
            IsReadOnlyFunc = context => !context.GetHttpContext().User.IsInRole(Roles.Finance),
        }).RequireAuthorization(Policies.Dashboard);

    /// <summary>Hangfire's own check behind the endpoint policy, so the dashboard is never open by default.</summary>
    private sealed class DashboardAccess : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var user = context.GetHttpContext().User;
            return user.IsInRole(Roles.Finance) || user.IsInRole(Roles.Auditor);
        }
    }

    /// <summary>Hangfire's connections come from the service's data source (one pool, closed with the host).</summary>
    private sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
    }
}
