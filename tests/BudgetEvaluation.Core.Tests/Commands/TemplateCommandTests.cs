using BudgetEvaluation.Commands;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class TemplateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("budgeteval-template-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Template_Department_WritesThatDepartmentsProjects()
    {
        var path = Path.Combine(_dir, "科技局.xlsx");

        var (exit, output, error) = await ConsoleCapture.RunAsync(TemplateCommand.Create(),
            "template", "--rules", Seed.RulesDirectory, "--period", "mid-year", "--department", "南通市科学技术局", "--out", path);

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal($"已生成绩效运行监控填报模板：12 个项目，192 行，写入 {path}\n", output.ReplaceLineEndings("\n"));
        var (rows, errors) = ActualsFile.Read(path);
        Assert.Empty(errors);
        Assert.Equal(192, rows.Count);
        Assert.All(rows, r => Assert.Equal("南通市科学技术局", r.Department));
    }

    [Fact]
    public async Task Template_UnknownDepartment_FailsListingTheDepartments()
    {
        var path = Path.Combine(_dir, "x.csv");

        var (exit, output, error) = await ConsoleCapture.RunAsync(TemplateCommand.Create(),
            "template", "--rules", Seed.RulesDirectory, "--period", "year-end", "--department", "南通市财政局", "--out", path);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("错误：没有主管部门为“南通市财政局”的项目；规则中的主管部门有：南通市科学技术局\n", error.ReplaceLineEndings("\n"));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Template_CsvOfOneProjectFile_ReadsBackWithoutErrors()
    {
        var path = Path.Combine(_dir, "物业.csv");
        var rules = Path.Combine(Seed.RulesDirectory, "2026", "南通市科学技术局", "物业管理费.json");

        var (exit, _, _) = await ConsoleCapture.RunAsync(TemplateCommand.Create(),
            "template", "--rules", rules, "--period", "year-end", "--out", path);

        Assert.Equal(0, exit);
        var (rows, errors) = ActualsFile.Read(path);
        Assert.Empty(errors);
        Assert.Equal(16, rows.Count);
        Assert.Empty(ActualsSet.Match(rows, Seed.Projects, Period.YearEnd, "物业.csv").Errors);
    }

    [Theory]
    [InlineData("--period", "quarterly", "x.xlsx", "错误：--period 应为 mid-year 或 year-end，实际为“quarterly”")]
    [InlineData("--period", "year-end", "x.pdf", "错误：--out 应为 .xlsx 或 .csv 文件，实际为“x.pdf”")]
    public async Task Template_BadArguments_FailWithTheReason(string option, string value, string file, string expected)
    {
        var (exit, _, error) = await ConsoleCapture.RunAsync(TemplateCommand.Create(),
            "template", "--rules", Seed.RulesDirectory, option, value, "--out", Path.Combine(_dir, file));

        Assert.Equal(2, exit);
        Assert.Equal(expected, error.TrimEnd());
    }
}
