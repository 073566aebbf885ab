using System.CommandLine;
using BudgetEvaluation.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BudgetEvaluation.Commands;

/// <summary><c>budgeteval migrate</c>: applies the pending SQL migrations to the configured database.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "对已配置的数据库（ConnectionStrings__BudgetEvaluation）应用尚未执行的迁移");
        command.SetAction(async (_, cancellationToken) =>
        {
            var connectionString = CommandDatabase.ConnectionString();
            if (connectionString is null)
                return 2;
            try
            {
                var applied = await Migrations.ApplyAsync(connectionString, NullLogger.Instance, cancellationToken);
                foreach (var script in applied)
                    Console.WriteLine($"已应用迁移 {script}");
                Console.WriteLine(applied.Count == 0
                    ? $"数据库已是最新：{Migrations.All.Count} 个迁移均已应用"
                    : $"完成：应用了 {applied.Count} 个迁移（共 {Migrations.All.Count} 个）");
                return 0;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"错误：{e.Message}");
                return 1;
            }
        });
        return command;
    }
}
