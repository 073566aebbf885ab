using System.CommandLine;
using System.Globalization;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Commands;

/// <summary><c>budgeteval score</c>: actuals against the rules, into the self-evaluation or monitoring tables.</summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var rules = new Option<string>("--rules") { Description = "规则目录或规则文件", Required = true };
        var actuals = new Option<FileInfo>("--actuals") { Description = "实际完成值文件（.xlsx 或 .csv）", Required = true };
        var period = new Option<string>("--period") { Description = "mid-year（绩效运行监控）或 year-end（绩效自评）", Required = true };
        var asOf = new Option<string?>("--as-of") { Description = "评价时点 YYYY-MM-DD（默认：半年为 6 月 30 日，全年为 12 月 31 日）" };
        var scheme = new Option<FileInfo?>("--scheme") { Description = "评分方案文件（默认：预算执行率10/产出50/效益30/满意度10）" };
        var format = new Option<string>("--format") { Description = "json、html 或 xlsx", DefaultValueFactory = _ => "json" };
        var output = new Option<FileInfo?>("--out") { Description = "输出文件（json 缺省时写到标准输出）" };
        var command = new Command("score", "按规则对项目评分：全年绩效自评或半年绩效运行监控") { rules, actuals, period, asOf, scheme, format, output };
        command.SetAction(async (parse, _) =>
        {
            if (!PeriodNames.TryParse(parse.GetValue(period), out var p))
                return Fail($"--period 应为 mid-year 或 year-end，实际为“{parse.GetValue(period)}”");
            DateOnly? date = null;
            if (parse.GetValue(asOf) is { } text)
            {
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    return Fail($"--as-of 应为 YYYY-MM-DD，实际为“{text}”");
                date = d;
            }
            var fmt = parse.GetValue(format)!.ToLowerInvariant();
            var writer = ReportWriters.Find(fmt);
            if (writer is null)
                return Fail($"--format 应为 {string.Join("、", ReportWriters.Formats)}，实际为“{fmt}”");
            var outFile = parse.GetValue(output);
            if (outFile is null && fmt != "json")
                return Fail($"--format {fmt} 需要 --out 指定输出文件");
            var actualsFile = parse.GetValue(actuals)!;
            if (!actualsFile.Exists)
                return Fail($"实际完成值文件“{actualsFile.FullName}”不存在");
            ScoringScheme chosen;
            List<RulesProject> projects;
            try
            {
                chosen = parse.GetValue(scheme) is { } schemeFile ? ScoringScheme.Load(schemeFile.FullName) : ScoringScheme.Default;
                projects = RulesProject.LoadAll(parse.GetValue(rules)!);
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                return Fail(ex.Message);
            }
            if (projects.Count == 0)
                return Fail($"“{parse.GetValue(rules)}”下没有规则文件");

            var (evaluations, errors) = await ScoringRun.RunAsync(projects, actualsFile.FullName, p, chosen, date);
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                    Console.Error.WriteLine(error);
                Console.Error.WriteLine($"实际完成值文件有 {errors.Count} 个错误，未评分");
                return 1;
            }
            if (outFile is null)
            {
                Console.Out.Write(EvaluationJson.Serialize(evaluations));
                Console.Out.WriteLine();
                return 0;
            }
            await using (var stream = File.Create(outFile.FullName))
                writer(evaluations, p, stream);
            Console.WriteLine($"已评分 {evaluations.Count} 个项目，结果写入 {outFile.FullName}");
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
