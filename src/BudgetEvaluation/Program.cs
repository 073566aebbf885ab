using System.CommandLine;
using System.Text;
using BudgetEvaluation.Commands;

Console.OutputEncoding = new UTF8Encoding(false);

var root = new RootCommand("BudgetEvaluation：项目支出绩效目标导入、评分与报告")
{
    ImportCommand.Create(),
    ValidateCommand.Create(),
    ScoreCommand.Create(),
    LintCommand.Create(),
    TemplateCommand.Create(),
    ExportFlatCommand.Create(),
    ServeCommand.Create(),
    WorkerCommand.Create(),
    MigrateCommand.Create(),
    KeysCommand.Create(),
};
// Running with no verb serves.
root.SetAction(ServeCommand.RunAsync);
// The host handles Ctrl+C and SIGTERM itself and must finish shutting down (stopping a local PostgreSQL);
// System.CommandLine's own handler would end the process after 2 seconds.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
