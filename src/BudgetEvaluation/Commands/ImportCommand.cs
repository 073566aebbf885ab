using System.CommandLine;
using BudgetEvaluation.Core.Import;

namespace BudgetEvaluation.Commands;

/// <summary><c>budgeteval import &lt;file&gt; [--out rules]</c>: target tables into rules files.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "目标表文件（.txt 目标表文本，或 .csv/.xlsx 平表）" };
        var output = new Option<DirectoryInfo>("--out") { Description = "规则目录", DefaultValueFactory = _ => new DirectoryInfo("rules") };
        var command = new Command("import", "导入项目支出绩效目标表，生成 RulesEngine 规则文件") { file, output };
        command.SetAction(parse =>
        {
            var input = parse.GetValue(file)!;
            if (!input.Exists)
            {
                Console.Error.WriteLine($"错误：文件“{input.FullName}”不存在");
                return 2;
            }
            var (projects, errors) = RulesImport.Run(input.FullName, parse.GetValue(output)!.FullName);
            foreach (var error in errors)
                Console.Error.WriteLine(error);
            if (errors.Count > 0)
            {
                Console.Error.WriteLine($"导入失败：{errors.Count} 个错误，未写入任何规则文件");
                return 1;
            }
            foreach (var p in projects)
                Console.WriteLine($"{p.Year}\t{p.Department}\t{p.Name}\t{p.Indicators} 个指标\t{Path.GetRelativePath(Environment.CurrentDirectory, p.Path)}");
            return 0;
        });
        return command;
    }
}
