using System.CommandLine;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Commands;

/// <summary><c>budgeteval template</c>: the fill-in table of actuals for departments, targets shown beside empty 实际完成值 cells.</summary>
public static class TemplateCommand
{
    public static Command Create()
    {
        var rules = new Option<string>("--rules") { Description = "规则目录或规则文件", Required = true };
        var period = new Option<string>("--period") { Description = "mid-year（绩效运行监控）或 year-end（绩效自评）", Required = true };
        var department = new Option<string?>("--department") { Description = "只生成该主管部门的项目" };
        var output = new Option<FileInfo>("--out") { Description = "输出文件（.xlsx 或 .csv）", Required = true };
        var command = new Command("template", "生成实际完成值填报模板：每个指标一行，另加每个项目的执行数行") { rules, period, department, output };
        command.SetAction(async (parse, cancellation) =>
        {
            if (!PeriodNames.TryParse(parse.GetValue(period), out var p))
                return Fail($"--period 应为 mid-year 或 year-end，实际为“{parse.GetValue(period)}”");
            var outFile = parse.GetValue(output)!;
            if (!ActualsTemplate.TryFormat(outFile.Name, out var format))
                return Fail($"--out 应为 .xlsx 或 .csv 文件，实际为“{outFile.Name}”");
            var rulesPath = parse.GetValue(rules)!;
            if (!File.Exists(rulesPath) && !Directory.Exists(rulesPath))
                return Fail($"“{rulesPath}”不存在");
            List<RulesProject> projects;
            try
            {
                projects = RulesProject.LoadAll(rulesPath);
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                return Fail(ex.Message);
            }
            if (projects.Count == 0)
                return Fail($"“{rulesPath}”下没有规则文件");
            if (parse.GetValue(department) is { } wanted)
            {
                var departments = projects.Select(x => x.Project.Department).Distinct().ToList();
                projects = projects.Where(x => x.Project.Department == wanted.Trim()).ToList();
                if (projects.Count == 0)
                    return Fail($"没有主管部门为“{wanted}”的项目；规则中的主管部门有：{string.Join("、", departments)}");
            }

            await using (var stream = File.Create(outFile.FullName))
                ActualsTemplate.Write(projects, p, format, stream);
            var rows = ActualsTemplate.Rows(projects, p).Count;
            Console.WriteLine($"已生成{p.Chinese()}填报模板：{projects.Count} 个项目，{rows} 行，写入 {outFile.FullName}");
            return 0;
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"错误：{message}");
        return 2;
    }
}
