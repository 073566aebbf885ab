using System.CommandLine;
using System.Text;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Commands;

/// <summary><c>budgeteval export-flat &lt;rules dir&gt; --out file.csv|.xlsx</c>: rules files back into the flat table form.</summary>
public static class ExportFlatCommand
{
    public static Command Create()
    {
        var rules = new Argument<string>("rules") { Description = "规则目录或规则文件" };
        var output = new Option<FileInfo>("--out") { Description = "输出的平表文件（.csv 或 .xlsx）", Required = true };
        var encoding = new Option<string>("--encoding")
        {
            Description = "CSV 编码：utf-8（带 BOM，默认）或 gb18030",
            DefaultValueFactory = _ => "utf-8",
        };
        encoding.AcceptOnlyFromAmong("utf-8", "gb18030");
        var command = new Command("export-flat", "把规则文件导出为平表（CSV 或 XLSX，每个三级指标一行），可再用 import 导入") { rules, output, encoding };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(rules)!;
            var target = parse.GetValue(output)!;
            if (!File.Exists(source) && !Directory.Exists(source))
            {
                Console.Error.WriteLine($"错误：“{source}”不存在");
                return 2;
            }
            var extension = target.Extension.ToLowerInvariant();
            if (extension is not (".csv" or ".xlsx"))
            {
                Console.Error.WriteLine($"错误：输出文件“{target.Name}”应为 .csv 或 .xlsx");
                return 2;
            }
            var failures = new List<string>();
            var indicators = 0;
            IEnumerable<TargetTable> Tables()
            {
                foreach (var file in RulesFile.FilesUnder(source))
                {
                    TargetTable? table = null;
                    try
                    {
                        table = RulesFile.Read(File.ReadAllText(file));
                    }
                    catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
                    {
                        failures.Add($"{file}：无法读取规则文件（{e.Message}）");
                    }
                    if (table is null)
                        continue;
                    indicators += table.Indicators.Count;
                    yield return table;
                }
            }
            target.Directory?.Create();
            var csvEncoding = parse.GetValue(encoding) == "gb18030" ? TextDecoding.Gb18030 : FlatTableWriter.Utf8WithBom;
            var projects = FlatTableWriter.Write(target.FullName, Tables(), csvEncoding);
            foreach (var failure in failures)
                Console.Error.WriteLine(failure);
            if (failures.Count > 0)
            {
                File.Delete(target.FullName);
                Console.Error.WriteLine($"导出失败：{failures.Count} 个规则文件无法读取，未写出平表文件");
                return 1;
            }
            Console.WriteLine($"已导出 {projects} 个项目、{indicators} 个指标到 {target.FullName}");
            return 0;
        });
        return command;
    }
}
