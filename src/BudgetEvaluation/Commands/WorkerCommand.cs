using System.CommandLine;
using BudgetEvaluation.Hosting;

namespace BudgetEvaluation.Commands;

/// <summary>
/// <c>budgeteval worker</c>: a Hangfire server without HTTP against the configured database, to share the jobs of
/// <c>serve</c> (scale-out). Needs <c>ConnectionStrings__BudgetEvaluation</c>: a throwaway database has no one to share with.
/// </summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "只运行后台作业（不提供 HTTP）：与 serve 共用同一数据库中的 Hangfire 作业，需配置 ConnectionStrings__BudgetEvaluation");
        command.SetAction(RunAsync);
        return command;
    }

    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var builder = WorkerHost.CreateBuilder();
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ServiceOptions.ConnectionStringName)))
        {
            await Console.Error.WriteLineAsync(
                $"错误：worker 需要已配置的数据库（环境变量 ConnectionStrings__{ServiceOptions.ConnectionStringName}），与 serve 使用同一个数据库");
            return 1;
        }
        try
        {
            using var host = WorkerHost.Build(builder);
            await host.RunAsync();
            return 0;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"错误：{e.Message}");
            return 1;
        }
    }
}
