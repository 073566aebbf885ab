using System.CommandLine;
using BudgetEvaluation.Hosting;

namespace BudgetEvaluation.Commands;

/// <summary>
/// <c>budgeteval serve</c> (also: no verb): the HTTP API, the Hangfire server and dashboard. Without a configured
/// connection string it starts a throwaway PostgreSQL cluster under <c>.data/pg</c>, loads the demo data, and
/// stops the cluster on exit.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", $"启动服务（HTTP API、Hangfire 作业），默认地址 {ServiceOptions.DefaultUrl}；未配置数据库时启动临时的本地 PostgreSQL 并载入演示数据");
        command.SetAction(RunAsync);
        return command;
    }

    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var builder = ServiceHost.CreateBuilder();
        LocalPostgres? local = null;
        try
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ServiceOptions.ConnectionStringName)))
            {
                using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
                var logger = loggers.CreateLogger(typeof(LocalPostgres));
                local = await LocalPostgres.StartAsync(Path.Combine(Environment.CurrentDirectory, ".data", "pg"), logger, cancellationToken);
                await local.CreateDatabaseAsync("budgeteval", cancellationToken);
                builder.Configuration[$"ConnectionStrings:{ServiceOptions.ConnectionStringName}"] = local.ConnectionString("budgeteval");
                builder.Configuration[$"{ServiceOptions.Section}:{nameof(ServiceOptions.LoadDemoData)}"] = "true";
            }
            await using var app = ServiceHost.Build(builder);
            await app.RunAsync();
            return 0;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"错误：{e.Message}");
            return 1;
        }
        finally
        {
            if (local is not null)
                await local.DisposeAsync();
        }
    }
}
