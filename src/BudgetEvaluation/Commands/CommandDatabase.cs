using BudgetEvaluation.Data;
using BudgetEvaluation.Hosting;
using Npgsql;

namespace BudgetEvaluation.Commands;

/// <summary>The database of the verbs that work on a configured one (<c>migrate</c>, <c>keys</c>).</summary>
internal static class CommandDatabase
{
    /// <summary>
    /// The connection string from <c>ConnectionStrings__BudgetEvaluation</c> (or appsettings.json beside the
    /// executable), or null after telling the user.
    /// </summary>
    public static string? ConnectionString()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var connectionString = configuration.GetConnectionString(ServiceOptions.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
            return connectionString;
        Console.Error.WriteLine($"错误：未配置数据库。请设置环境变量 ConnectionStrings__{ServiceOptions.ConnectionStringName}，例如 \"Host=localhost;Database=budgeteval;Username=budgeteval;Password=…\"");
        return null;
    }

    /// <summary>A data source over a migrated database, or null after telling the user what is missing.</summary>
    public static async Task<NpgsqlDataSource?> OpenMigratedAsync()
    {
        var connectionString = ConnectionString();
        if (connectionString is null)
            return null;
        var pending = Migrations.Pending(connectionString);
        if (pending.Count > 0)
        {
            await Console.Error.WriteLineAsync($"错误：数据库有 {pending.Count} 个迁移尚未应用，请先运行 budgeteval migrate");
            return null;
        }
        return NpgsqlDataSource.Create(connectionString);
    }
}
