using System.Text.Json;
using BudgetEvaluation.Commands;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Review;

public class LintCommandTests
{
    [Fact]
    public void Lint_SeedRulesAsJson_PrintsParseableFindingsAndSucceeds()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = LintCommand.Run(Path.Combine(RepoRoot(), "rules"), "json", output, error);

        Assert.Equal(0, exit); // the seed has warnings and hints but no 错误
        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal(31, json.RootElement.GetArrayLength());
        var meeting = json.RootElement.EnumerateArray().Single(f => f.GetProperty("check").GetString() == "negative-output-count");
        Assert.Equal(2026, meeting.GetProperty("year").GetInt32());
        Assert.Equal("南通市科学技术局", meeting.GetProperty("department").GetString());
        Assert.Equal("科技创新双月例会专项", meeting.GetProperty("project").GetString());
        Assert.Equal("组织科技创新双月例会场次", meeting.GetProperty("indicator").GetString());
        Assert.Equal("产出指标/数量指标/组织科技创新双月例会场次", meeting.GetProperty("rule").GetString());
        Assert.Equal("警告", meeting.GetProperty("severity").GetString());
        // Chinese is written as is, not as \uXXXX escapes.
        Assert.Contains("\"severity\": \"警告\"", output.ToString());
        Assert.Equal("审核完成：12 个项目，31 条问题（错误 0，警告 8，提示 23）" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public void Lint_SeedTextAsText_PrintsOneLinePerFindingAndASummary()
    {
        var output = new StringWriter();

        var exit = LintCommand.Run(Path.Combine(RepoRoot(), "seeds", "000_39cb5bcb496eb896.txt"), "text", output, new StringWriter());

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exit);
        Assert.Equal(32, lines.Length);
        Assert.Contains(
            "警告\t2026/南通市科学技术局/科技创新双月例会专项\t组织科技创新双月例会场次\t产出指标/数量指标/组织科技创新双月例会场次\tnegative-output-count\t" +
            "数量指标用“≤”“<”限定上限（半年指标值“≤1场”，全年指标值“≤3场”）：产出数量越多越好，按反向指标评分时完成 0 也算达标；如为最低要求应改为“≥”",
            lines);
        Assert.Equal("审核完成：12 个项目，31 条问题（错误 0，警告 8，提示 23）", lines[^1]);
    }

    [Fact]
    public void Lint_UnreadableRulesFile_FailsNamingTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("lint-");
        try
        {
            var file = Path.Combine(dir.FullName, "坏文件.json");
            File.WriteAllText(file, "{\"workflows\": []}");
            var error = new StringWriter();

            var exit = LintCommand.Run(dir.FullName, "text", new StringWriter(), error);

            Assert.Equal(1, exit);
            Assert.Contains($"{file}: 无法读取规则文件：规则文件缺少 project", error.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Lint_TableWithAnErrorFinding_ExitsWithOne()
    {
        var dir = Directory.CreateTempSubdirectory("lint-");
        try
        {
            var project = new Project
            {
                Year = 2026,
                Name = "测试项目",
                Department = "南通市科学技术局",
                Funds = new Funds { Total = 10m, AnnualBudget = 10m, MidYearPlannedSpend = 5m },
            };
            // A full-year "≥0个" cannot fail: an error, so the review fails.
            RulesFile.Write(dir.FullName, new TargetTable(project,
            [
                new Indicator("产出指标", "数量指标", "获奖数", TargetNotation.Parse("≥0个", "test"), TargetNotation.Parse("≥0个", "test")),
                new Indicator("效益指标", "社会效益", "新增研发机构", TargetNotation.Parse("≥1个", "test"), TargetNotation.Parse("≥2个", "test")),
            ]));
            var output = new StringWriter();

            var exit = LintCommand.Run(dir.FullName, "text", output, new StringWriter());

            Assert.Equal(1, exit);
            Assert.Contains("审核完成：1 个项目，3 条问题（错误 1，警告 1，提示 1）", output.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Lint_UnknownFormat_ExitsWithUsageError()
    {
        var error = new StringWriter();

        var exit = LintCommand.Run(Path.Combine(RepoRoot(), "rules"), "xml", new StringWriter(), error);

        Assert.Equal(2, exit);
        Assert.Equal("错误：--format 应为 text 或 json，实际为“xml”" + Environment.NewLine, error.ToString());
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BudgetEvaluation.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("BudgetEvaluation.sln not found above the test output folder");
    }
}
