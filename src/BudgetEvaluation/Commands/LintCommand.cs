using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Review;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Commands;

/// <summary><c>budgeteval lint &lt;dir|file&gt; [--format text|json]</c>: the target quality review (绩效目标审核).</summary>
public static class LintCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Keep Chinese readable; the default encoder writes \uXXXX.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var path = new Argument<string>("dir|file") { Description = "规则目录、规则文件（.json），或目标表文件（.txt 等，审核后再导入）" };
        var format = new Option<string>("--format") { Description = "text（每行一条问题）或 json（问题数组）", DefaultValueFactory = _ => "text" };
        var command = new Command("lint",
            "绩效目标审核：检查半年目标高于全年、0 值正向目标、数量指标用“≤”、只有定性目标的产出/效益指标、半年预算执行率与计划执行数不符、缺少单位、产出/效益指标缺失等。" +
            "退出码：没有“错误”级问题时为 0（“警告”“提示”不影响退出码）；有“错误”级问题或文件无法读取时为 1；路径不存在或 --format 不是 text/json 时为 2")
        {
            path, format,
        };
        command.SetAction(parse => Run(parse.GetValue(path)!, parse.GetValue(format)!, Console.Out, Console.Error));
        return command;
    }

    /// <summary>Reviews every table under <paramref name="path"/> and writes the findings; returns the exit code.</summary>
    public static int Run(string path, string format, TextWriter output, TextWriter error)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            error.WriteLine($"错误：“{path}”不存在");
            return 2;
        }
        if (format is not ("text" or "json"))
        {
            error.WriteLine($"错误：--format 应为 text 或 json，实际为“{format}”");
            return 2;
        }
        var (tables, unreadable) = Load(path);
        foreach (var message in unreadable)
            error.WriteLine(message);
        var findings = TargetReview.Review(tables);

        var errors = findings.Count(f => f.Severity == Severity.Error);
        var summary = $"审核完成：{tables.Count} 个项目，{findings.Count} 条问题（错误 {errors}，" +
            $"警告 {findings.Count(f => f.Severity == Severity.Warning)}，提示 {findings.Count(f => f.Severity == Severity.Hint)}）" +
            (unreadable.Count > 0 ? $"，{unreadable.Count} 个文件无法读取" : "");
        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(findings, JsonOptions));
            error.WriteLine(summary); // stdout stays pure JSON
        }
        else
        {
            foreach (var f in findings)
                output.WriteLine($"{f.Severity.Chinese()}\t{f.Year}/{f.Department}/{f.Project}\t{f.Indicator}\t{f.Rule}\t{f.Check}\t{f.Message}");
            output.WriteLine(summary);
        }
        return errors > 0 || unreadable.Count > 0 ? 1 : 0;
    }

    /// <summary>Rules files (a folder or a .json file), or a target-table file read by its importer.</summary>
    private static (List<TargetTable> Tables, List<string> Unreadable) Load(string path)
    {
        var tables = new List<TargetTable>();
        var unreadable = new List<string>();
        if (File.Exists(path) && !path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var import in TargetFiles.Read(path))
            {
                if (import.Succeeded)
                    tables.Add(import.Table!);
                else
                    unreadable.AddRange(import.Errors.Select(e => e.ToString()));
            }
            return (tables, unreadable);
        }
        foreach (var file in RulesFile.FilesUnder(path))
        {
            try
            {
                tables.Add(RulesFile.Read(File.ReadAllText(file)));
            }
            catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
            {
                unreadable.Add($"{file}: 无法读取规则文件：{ex.Message}");
            }
        }
        return (tables, unreadable);
    }
}
