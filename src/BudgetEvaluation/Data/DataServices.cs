using BudgetEvaluation.Hosting;
using Npgsql;

namespace BudgetEvaluation.Data;

public static class DataServices
{
    /// <summary>One <see cref="NpgsqlDataSource"/> for the process, and the stores over it.</summary>
    public static IServiceCollection AddData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp =>
        {
            var connectionString = configuration.GetConnectionString(ServiceOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException($"未配置数据库连接字符串 ConnectionStrings__{ServiceOptions.ConnectionStringName}");
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ProjectStore>();
        services.AddSingleton<ActualsStore>();
        services.AddSingleton<EvaluationStore>();
        services.AddSingleton<RunDepartmentStore>();
        services.AddSingleton<FiscalYearStore>();
        return services;
    }
}
