using BudgetEvaluation.Data;
using Microsoft.Extensions.Options;

namespace BudgetEvaluation.Hosting;

/// <summary>
/// Runs before the Hangfire server and the HTTP server start: applies pending migrations, turns
/// <c>BUDGETEVAL_BOOTSTRAP_KEY</c> into a finance key if there is none, and loads the demo data when asked.
/// </summary>
public sealed partial class DatabaseStartup(
    IConfiguration configuration,
    IOptions<ServiceOptions> options,
    ApiKeyStore keys,
    DemoData demo,
    ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = configuration.GetConnectionString(ServiceOptions.ConnectionStringName)
            ?? throw new InvalidOperationException($"未配置数据库连接字符串 ConnectionStrings__{ServiceOptions.ConnectionStringName}");
        await Migrations.ApplyAsync(connectionString, logger, cancellationToken);
        var bootstrapKey = configuration[ServiceOptions.BootstrapKeyVariable];
        if (!string.IsNullOrWhiteSpace(bootstrapKey) && await keys.BootstrapAsync(bootstrapKey.Trim(), cancellationToken))
            Log.Bootstrapped(logger);
        if (options.Value.LoadDemoData)
            await demo.LoadAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1201, LogLevel.Information, "The bootstrap key from BUDGETEVAL_BOOTSTRAP_KEY is now a finance key")]
        public static partial void Bootstrapped(ILogger logger);
    }
}
