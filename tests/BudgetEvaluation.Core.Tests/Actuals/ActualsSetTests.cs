using System.Text;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Actuals;

/// <summary>Matching actuals rows to the seed's projects and indicators, and checking each value against its target.</summary>
public class ActualsSetTests
{
    private const string Header = "项目名称,一级指标,二级指标,三级指标,实际完成值,偏差原因分析及改进措施,偏差原因类型,完成目标可能性\n";

    private static (ActualsSet Set, List<ImportError> ReadErrors) Match(string body, Period period = Period.YearEnd, string fileName = "actuals.csv")
    {
        var (rows, errors) = ActualsFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(Header + body)), fileName);
        return (ActualsSet.Match(rows, Seed.Projects, period, fileName), errors);
    }

    private static ImportError SingleError(string body, Period period = Period.YearEnd)
    {
        var (set, readErrors) = Match(body, period);
        Assert.Empty(readErrors);
        return Assert.Single(set.Errors);
    }

    private static ReportedActual Reported(string project, string path, string body, Period period = Period.YearEnd)
    {
        var (set, readErrors) = Match(body, period);
        Assert.Empty(readErrors);
        Assert.Empty(set.Errors);
        return set.For(Seed.Project(project)).Indicators[path];
    }

    [Theory]
    [InlineData("1700个", 1700, "个")]
    [InlineData("1700", 1700, "个")]
    [InlineData("1,700个", 1700, "个")]
    [InlineData("１７００个", 1700, "个")]
    [InlineData(" 1700 个 ", 1700, "个")]
    public void Match_CountWrittenAsPeopleWriteIt_ReadsTheNumberInTheTargetsUnit(string written, double value, string unit)
    {
        var actual = Reported("“通创荟”和科技招商经费专项", "产出指标/数量指标/招引科创项目数",
            $"“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,\"{written}\",\n");

        Assert.Equal(value, actual.Input.Value);
        Assert.Equal(unit, actual.Input.Unit);
        Assert.Equal(written.Trim(), actual.Text);
    }

    [Theory]
    [InlineData("96.3%", 96.3)]
    [InlineData("96.3", 96.3)]
    [InlineData("96.3％", 96.3)]
    public void Match_PercentTarget_ReadsPercentWithOrWithoutSign(string written, double value)
    {
        var actual = Reported("科技创新体系建设专项", "产出指标/质量指标/高质量考核科技创新指标达标率",
            $"科技创新体系建设专项,产出指标,质量指标,高质量考核科技创新指标达标率,{written},\n");

        Assert.Equal(value, actual.Input.Value);
        Assert.Equal("%", actual.Input.Unit);
    }

    [Fact]
    public void Match_MonthAgainstMonthTarget_ReadsMonths()
    {
        var actual = Reported("科技创新体系建设专项", "产出指标/时效指标/科技政策法规培训完成时间",
            "科技创新体系建设专项,产出指标,时效指标,科技政策法规培训完成时间,11月,\n");

        Assert.Equal(11, actual.Input.Value);
        Assert.Equal("月", actual.Input.Unit);
    }

    [Fact]
    public void Match_OneOfAListedUnit_IsAccepted()
    {
        var actual = Reported("办公设备购置", "产出指标/数量指标/设备购置采购数量", "办公设备购置,产出指标,数量指标,设备购置采购数量,37套,\n");

        Assert.Equal(37, actual.Input.Value);
        Assert.Equal("套", actual.Input.Unit);
    }

    [Theory]
    [InlineData("达成", "达成", false, 0)]
    [InlineData("部分达成 75%", "部分达成", true, 75)]
    [InlineData("部分达成75%", "部分达成", true, 75)]
    [InlineData("部分达成（75%）", "部分达成", true, 75)]
    [InlineData("未达成 30%", "未达成", true, 30)]
    [InlineData("达成 85%", "达成", true, 85)]
    [InlineData("较高", "达成", false, 0)]
    [InlineData("达成年度指标", "达成", false, 0)]
    [InlineData("部分达成并具有一定效果", "部分达成", false, 0)]
    [InlineData("未达成且效果较差", "未达成", false, 0)]
    public void Match_QualitativeIndicator_ReadsBandAndPercent(string written, string band, bool hasPercent, double percent)
    {
        var actual = Reported("“通创荟”和科技招商经费专项", "效益指标/社会效益/对落实创新驱动发展战略的推动程度",
            $"“通创荟”和科技招商经费专项,效益指标,社会效益,对落实创新驱动发展战略的推动程度,{written},\n");

        Assert.Equal(band, actual.Input.Band);
        Assert.Equal(hasPercent, actual.Input.HasPercent);
        Assert.Equal(percent, actual.Input.Percent);
    }

    [Fact]
    public void Match_TheTargetsOwnWord_MeansMet()
    {
        var actual = Reported("“通创荟”和科技招商经费专项", "决策/项目立项/立项程序规范性", "“通创荟”和科技招商经费专项,决策,项目立项,立项程序规范性,规范,\n");

        Assert.Equal("达成", actual.Input.Band);
    }

    [Fact]
    public void Match_TheTargetsOwnSentence_MeansMet()
    {
        var actual = Reported("物业管理费", "产出指标/质量指标/经费支出合规性", "物业管理费,产出指标,质量指标,经费支出合规性,严格执行相关财经法规、制度,\n");

        Assert.Equal("达成", actual.Input.Band);
    }

    [Theory]
    [InlineData("130万元", 130)]
    [InlineData("130", 130)]
    [InlineData("1,130.5", 1130.5)]
    public void Match_SpendingRow_ReadsAmountInWanYuan(string written, double amount)
    {
        var (set, readErrors) = Match($"“通创荟”和科技招商经费专项,项目资金,,执行数,\"{written}\",\n");

        Assert.Empty(readErrors);
        Assert.Empty(set.Errors);
        Assert.Equal(amount, set.For(Seed.Project("“通创荟”和科技招商经费专项")).Spent);
    }

    [Fact]
    public void Match_ProjectNameRetypedWithStraightQuotes_MatchesTheProject()
    {
        var actual = Reported("“通创荟”和科技招商经费专项", "产出指标/数量指标/招引科创项目数",
            "\"\"\"通创荟\"\"和科技招商经费专项\",产出指标,数量指标,招引科创项目数,1700个,\n");

        Assert.Equal(1700, actual.Input.Value);
    }

    [Fact]
    public void Match_BlankValue_IsNotReportedAndNotAnError()
    {
        var (set, readErrors) = Match(
            "“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,,\n" +
            "“通创荟”和科技招商经费专项,项目资金,,执行数,,\n");

        Assert.Empty(readErrors);
        Assert.Empty(set.Errors);
        var actuals = set.For(Seed.Project("“通创荟”和科技招商经费专项"));
        Assert.Empty(actuals.Indicators);
        Assert.Null(actuals.Spent);
    }

    [Fact]
    public void Match_UnitContradictingTheTarget_NamesRowColumnValueAndTarget()
    {
        var error = SingleError(
            "“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,1700个,\n" +
            "“通创荟”和科技招商经费专项,产出指标,质量指标,组织科技招商专题活动,2个,\n");

        Assert.Equal(("actuals.csv", 3, "实际完成值"), (error.File, error.Line, error.Field));
        Assert.Equal("项目““通创荟”和科技招商经费专项”指标“组织科技招商专题活动”：单位“个”与目标单位“场”不一致（目标为“≥2场”）", error.Message);
        Assert.Equal("actuals.csv 第3行 [实际完成值]：" + error.Message, error.ToString());
    }

    [Fact]
    public void Match_PercentWhereTheTargetIsACount_IsAnError()
    {
        var error = SingleError("“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,95%,\n");

        Assert.Equal((2, "实际完成值"), (error.Line, error.Field));
        Assert.Contains("目标单位为“个”（≥1800个），实际完成值“95%”却是百分比", error.Message);
    }

    [Fact]
    public void Match_TextWhereANumberIsExpected_IsAnError()
    {
        var error = SingleError("“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,达成,\n");

        Assert.Contains("应为数值（目标为“≥1800个”），实际为“达成”", error.Message);
    }

    [Fact]
    public void Match_BandPercentOutsideItsBand_NamesTheBandsRange()
    {
        var error = SingleError("“通创荟”和科技招商经费专项,效益指标,社会效益,对落实创新驱动发展战略的推动程度,部分达成 95%,\n");

        Assert.Equal((2, "实际完成值"), (error.Line, error.Field));
        Assert.Contains("“部分达成 95%”超出该档的得分区间 60%–80%", error.Message);
    }

    [Fact]
    public void Match_QualitativeWordThatIsNoBand_ListsWhatIsAccepted()
    {
        var error = SingleError("“通创荟”和科技招商经费专项,效益指标,社会效益,对落实创新驱动发展战略的推动程度,很好,\n");

        Assert.Contains("定性指标应填写“达成”“部分达成”或“未达成”", error.Message);
        Assert.Contains("目标原文“较高”", error.Message);
    }

    [Fact]
    public void Match_UnknownProject_ListsTheClosestProjectNames()
    {
        var error = SingleError("通创荟科技招商经费专项,产出指标,数量指标,招引科创项目数,1700个,\n");

        Assert.Equal((2, "项目名称"), (error.Line, error.Field));
        Assert.StartsWith("没有名为“通创荟科技招商经费专项”的项目；最接近的是：““通创荟”和科技招商经费专项”", error.Message);
    }

    [Fact]
    public void Match_UnknownIndicator_ListsTheClosestIndicatorNames()
    {
        var error = SingleError("“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目,1700个,\n");

        Assert.Equal((2, "三级指标"), (error.Line, error.Field));
        Assert.StartsWith("项目““通创荟”和科技招商经费专项”没有三级指标“招引科创项目”；最接近的是：“招引科创项目数”", error.Message);
    }

    [Fact]
    public void Match_DuplicateIndicatorRow_NamesTheFirstRow()
    {
        var error = SingleError(
            "物业管理费,产出指标,数量指标,物业服务面积,2600平方米,\n" +
            "物业管理费,产出指标,质量指标,经费支出合规性,达成,\n" +
            "物业管理费,产出指标,数量指标,物业服务面积,2500平方米,\n");

        Assert.Equal((4, "三级指标"), (error.Line, error.Field));
        Assert.Equal("项目“物业管理费”的指标“物业服务面积”重复填报：第2行已有同一行（本行实际完成值“2500平方米”）", error.Message);
    }

    [Fact]
    public void Match_DuplicateRowAfterABlankOne_IsStillADuplicate()
    {
        var error = SingleError(
            "物业管理费,产出指标,数量指标,物业服务面积,,\n" +
            "物业管理费,产出指标,数量指标,物业服务面积,2500平方米,\n");

        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Match_DuplicateSpendingRow_IsAnError()
    {
        var error = SingleError("物业管理费,项目资金,,执行数,10,\n物业管理费,项目资金,,执行数,9.53,\n");

        Assert.Equal(3, error.Line);
        Assert.Contains("项目“物业管理费”的执行数重复填报：第2行", error.Message);
    }

    [Fact]
    public void Match_SpendingThatIsNotAnAmount_NamesTheValue()
    {
        var error = SingleError("物业管理费,项目资金,,执行数,约二十万,\n");

        Assert.Equal((2, "实际完成值"), (error.Line, error.Field));
        Assert.Equal("项目“物业管理费”执行数“约二十万”应为金额（万元），如“130”或“130万元”", error.Message);
    }

    [Fact]
    public void Match_DeviationTypeAndLikelihoodOutsideTheLists_AreErrors()
    {
        var (set, _) = Match("“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,700个,签约推迟,资金不足,可能\n", Period.MidYear);

        Assert.Equal([(2, "偏差原因类型"), (2, "完成目标可能性")], set.Errors.Select(e => (e.Line, e.Field)));
        Assert.Equal("偏差原因类型“资金不足”应为：经费保障、制度保障、人员保障、硬件条件保障、其他", set.Errors[0].Message);
        Assert.Equal("完成目标可能性“可能”应为：确定能、有可能、完全不可能", set.Errors[1].Message);
    }

    [Fact]
    public void Match_ManyProblems_ReportsEveryOneWithItsRowAndColumn()
    {
        var (set, readErrors) = Match(
            "“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,1700个,,,\n" +       // 2 fine
            "“通创荟”和科技招商经费专项,产出指标,质量指标,组织科技招商专题活动,2个,,,\n" +     // 3 unit
            "“通创荟”和科技招商经费专项,产出指标,时效指标,科创大赛省赛和国赛获奖数,12%,,,\n" + // 4 percent for a count
            "“通创荟”和科技招商经费专项,效益指标,社会效益,对落实创新驱动发展战略的推动程度,部分达成 95%,,,\n" + // 5 band
            "通创荟科技招商专项,产出指标,数量指标,招引科创项目数,1700个,,,\n" +               // 6 project
            "产学研合作交流专项,产出指标,数量指标,产学研合作项目数,1600项,,,\n" +              // 7 indicator
            "“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,1800个,,,\n" +       // 8 duplicate
            "产学研合作交流专项,产出指标,质量指标,单个项目合同金额,6万元,,人手不足,\n" +       // 9 deviation type
            "产学研合作交流专项,项目资金,,执行数,二十七,,,\n" +                                   // 10 amount
            "产学研合作交流专项,产出指标,时效指标,经费支出时效性,45%,,,也许\n");                 // 11 likelihood

        Assert.Empty(readErrors);
        Assert.Equal(
            [(3, "实际完成值"), (4, "实际完成值"), (5, "实际完成值"), (6, "项目名称"), (7, "三级指标"), (8, "三级指标"), (9, "偏差原因类型"), (10, "实际完成值"), (11, "完成目标可能性")],
            set.Errors.Select(e => (e.Line, e.Field)));
        Assert.All(set.Errors, e => Assert.Equal("actuals.csv", e.File));
    }

    [Fact]
    public void Match_BudgetExecutionRateExplainedOnABlankRow_KeepsTheExplanation()
    {
        var (set, _) = Match(
            "“通创荟”和科技招商经费专项,项目资金,,执行数,10,,,\n" +
            "“通创荟”和科技招商经费专项,过程,资金管理,预算执行率,,活动集中在下半年,其他,确定能\n", Period.MidYear);

        Assert.Empty(set.Errors);
        var actuals = set.For(Seed.Project("“通创荟”和科技招商经费专项"));
        Assert.Empty(actuals.Indicators);
        Assert.Equal(new IndicatorNote("活动集中在下半年", "其他", "确定能", 3), actuals.Notes["过程/资金管理/预算执行率"]);
    }

    [Fact]
    public void Match_ExplanationOnTheSpendingRow_GoesToBudgetExecutionRate()
    {
        var (set, _) = Match("“通创荟”和科技招商经费专项,项目资金,,执行数,10,活动集中在下半年,经费保障,有可能\n", Period.MidYear);

        Assert.Empty(set.Errors);
        var actuals = set.For(Seed.Project("“通创荟”和科技招商经费专项"));
        Assert.Equal(10, actuals.Spent);
        Assert.Equal(new IndicatorNote("活动集中在下半年", "经费保障", "有可能", 2), actuals.Notes["过程/资金管理/预算执行率"]);
    }

    [Fact]
    public void Match_Rows_ListsEveryMatchedRowWithItsProjectAndPathInFileOrder()
    {
        var (set, readErrors) = Match(
            "“通创荟”和科技招商经费专项,项目资金,,执行数,130,,,\n" +
            "“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,1700个,,,\n" +
            "“通创荟”和科技招商经费专项,产出指标,质量指标,组织科技招商专题活动,,,,\n" +
            "没有这个项目,产出指标,数量指标,招引科创项目数,1700个,,,\n");

        Assert.Empty(readErrors);
        Assert.Equal(
            [(2, "项目资金/执行数", "130"), (3, "产出指标/数量指标/招引科创项目数", "1700个"), (4, "产出指标/质量指标/组织科技招商专题活动", "")],
            set.Rows.Select(r => (r.Row.Line, r.IndicatorPath, r.Row.Value)).ToArray());
        Assert.All(set.Rows, r => Assert.Equal("“通创荟”和科技招商经费专项", r.Project.Project.Name));
        Assert.Equal(5, Assert.Single(set.Errors).Line);
    }
    [Fact]
    public void FromMatched_StoredRows_ChecksValuesAgainstTheTargetsWithoutLookingUpNames()
    {
        var project = Seed.Project("“通创荟”和科技招商经费专项");
        var count = project.Table.Indicators.Single(i => i.Path == "产出指标/数量指标/招引科创项目数");
        ActualRow Row(int line, string value) =>
            // Names that match nothing: the indicator given with the row is what counts.
            new() { Line = line, Project = "改过名的项目", Indicator = "改过名的指标", Value = value };

        var set = ActualsSet.FromMatched(
        [
            (project, count, Row(2, "1700个")),
            (project, null, Row(3, "130万元")),
            (project, count, Row(4, "1800个")),
            (project, project.Table.Indicators.Single(i => i.Path == "产出指标/时效指标/科创大赛省赛和国赛获奖数"), Row(5, "很多")),
        ], Period.YearEnd, "stored.csv");

        var actuals = set.For(project);
        Assert.Equal(1700, actuals.Indicators[count.Path].Input.Value);
        Assert.Equal(130, actuals.Spent);
        Assert.Equal(2, set.Errors.Count);
        Assert.Equal(("stored.csv", 4, ActualsColumns.Indicator), (set.Errors[0].File, set.Errors[0].Line, set.Errors[0].Field));
        Assert.Contains("重复填报：第2行", set.Errors[0].Message);
        Assert.Equal((5, ActualsColumns.Value), (set.Errors[1].Line, set.Errors[1].Field));
        Assert.Contains("“很多”", set.Errors[1].Message);
        Assert.Equal(3, set.Rows.Count);
    }
}
