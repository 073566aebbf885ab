using System.Text;
using BudgetEvaluation.Commands;

namespace BudgetEvaluation.Core.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class ScoreCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("budgeteval-score-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Score_ActualsWithErrors_ExitsNonZeroPrintsEveryErrorAndScoresNothing()
    {
        var actuals = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(actuals,
            "项目名称,一级指标,二级指标,三级指标,实际完成值\n" +
            "“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,1700个\n" +
            "“通创荟”和科技招商经费专项,产出指标,质量指标,组织科技招商专题活动,2个\n" +
            "物业管理费,项目资金,,执行数,约二十万\n", new UTF8Encoding(false));

        var (exit, output, error) = await ConsoleCapture.RunAsync(ScoreCommand.Create(),
            "score", "--rules", Seed.RulesDirectory, "--actuals", actuals, "--period", "year-end");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("bad.csv 第3行 [实际完成值]：项目““通创荟”和科技招商经费专项”指标“组织科技招商专题活动”：单位“个”与目标单位“场”不一致", error);
        Assert.Contains("bad.csv 第4行 [实际完成值]：项目“物业管理费”执行数“约二十万”应为金额（万元）", error);
        Assert.Contains("实际完成值文件有 2 个错误，未评分", error);
    }

    [Fact]
    public async Task Score_ActualsMissingAColumn_ExitsNonZeroNamingTheColumn()
    {
        var actuals = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(actuals, "项目名称,三级指标\n物业管理费,物业服务面积\n", new UTF8Encoding(false));

        var (exit, output, error) = await ConsoleCapture.RunAsync(ScoreCommand.Create(),
            "score", "--rules", Seed.RulesDirectory, "--actuals", actuals, "--period", "year-end");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("bad.csv 第1行 [实际完成值]：缺少必需的列“实际完成值”", error);
    }

    [Fact]
    public async Task Score_SeedFixture_PrintsJsonForEveryProject()
    {
        var (exit, output, error) = await ConsoleCapture.RunAsync(ScoreCommand.Create(),
            "score", "--rules", Seed.RulesDirectory, "--actuals", Seed.Fixture("actuals-year-end.csv"), "--period", "year-end");

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.StartsWith("[", output.TrimStart());
        Assert.Contains("\"project\": \"物业管理费\"", output);
    }
}
