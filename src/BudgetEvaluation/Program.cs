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
};
return await root.Parse(args).InvokeAsync();
