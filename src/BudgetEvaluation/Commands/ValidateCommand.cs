using System.CommandLine;
using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Commands;

/// <summary><c>budgeteval validate &lt;dir&gt;</c>: load, compile and run every rule once.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("dir") { Description = "规则目录或规则文件" };
        var command = new Command("validate", "加载并编译每个规则文件中的每条规则") { path };
        command.SetAction(async (parse, _) =>
        {
            var target = parse.GetValue(path)!;
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                Console.Error.WriteLine($"错误：“{target}”不存在");
                return 2;
            }
            var (files, rules, failures) = await RulesValidator.ValidateAsync(RulesFile.FilesUnder(target));
            foreach (var failure in failures)
                Console.Error.WriteLine(failure);
            if (failures.Count > 0)
            {
                Console.Error.WriteLine($"校验失败：{failures.Count} 条规则有错误（共 {files} 个文件，{rules} 条规则）");
                return 1;
            }
            Console.WriteLine($"校验通过：{files} 个文件，{rules} 条规则，全部编译并执行成功");
            return 0;
        });
        return command;
    }
}
