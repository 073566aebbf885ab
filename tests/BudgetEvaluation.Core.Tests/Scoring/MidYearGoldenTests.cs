using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using static BudgetEvaluation.Core.Tests.Scoring.ScoringFixtures;

namespace BudgetEvaluation.Core.Tests.Scoring;

/// <summary>
/// Mid-year monitoring (DOMAIN §5) of seven seed projects against Fixtures/actuals-mid-year-golden.csv, expected values
/// worked out by hand. Default thresholds: completion ≥ 100% green, ≥ 80% yellow, below red; 反向 by target ÷ actual;
/// qualitative 达成/部分达成/未达成 → green/yellow/red; spending at or above the plan (半年计划执行数 ÷ 全年预算数) green,
/// up to 10 points below yellow, more red; 完全不可能 → red; the project takes the worst colour.
/// </summary>
public sealed class MidYearGoldenTests
{
    private const double Tolerance = 1e-9;
    private static readonly DateOnly EndOfJune = new(2026, 6, 30);
    private static readonly DateOnly EndOfMay = new(2026, 5, 31);

    [Fact]
    public async Task MidYear_TongChuangHui_CountsZeroTargetAndTimeProgressByHand()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear)).Project(TongChuangHui);

        Assert.Equal("2026-06-30", e.AsOf);
        // ≥900个 with 950个: 950 ÷ 900 = 1.0555555555555556 → green; forecast 950 ÷ 50% = 1900.
        AssertRow(e.Indicator("招引科创项目数"), 1.0555555555555556, Warnings.Green, 1900);
        // ≥1场 with 1场: 100% → green; forecast 1 ÷ 50% = 2.
        AssertRow(e.Indicator("组织科技招商专题活动"), 1, Warnings.Green, 2);
        // ≥0个 with 0个: a half-year target of 0 is met by any actual ≥ 0 → 100%, green; forecast 0.
        AssertRow(e.Indicator("科创大赛省赛和国赛获奖数"), 1, Warnings.Green, 0);
        Assert.Equal(Statuses.Met, e.Indicator("科创大赛省赛和国赛获奖数").Status);
        // 资金到位率 target 序时进度 = 50% at 30 June; 45% ÷ 50% = 0.9 → yellow; a rate gets no forecast.
        AssertRow(e.Indicator("资金到位率"), 0.9, Warnings.Yellow, null);
        // Spending 13.5 of 135 = 10% against the plan 13.5 ÷ 135 = 10%: at the plan → green.
        Assert.Equal(0.1, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(0.1, e.Funds.PlannedRate!.Value, Tolerance);
        Assert.Equal(Warnings.Green, e.Funds.Warning);
        // Worst of the indicators (资金到位率 yellow) and spending (green).
        Assert.Equal(Warnings.Yellow, e.Warning);
        Assert.Null(e.TotalScore);
        Assert.Empty(e.Missing);
    }

    [Fact]
    public async Task MidYear_AsOfEndOfMay_TimeProgressIsFiveTwelfths()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear, asOf: EndOfMay)).Project(TongChuangHui);

        Assert.Equal("2026-05-31", e.AsOf);
        // 序时进度 on 31 May = 5/12 = 41.67%: 资金到位率 45% ÷ 41.666…% = 1.08 → green.
        AssertRow(e.Indicator("资金到位率"), 1.08, Warnings.Green, null);
        // Forecast 950 ÷ (5/12) = 2280.
        Assert.Equal(2280, e.Indicator("招引科创项目数").Forecast!.Value, Tolerance);
        // Every indicator now green and spending at the plan: the project is green.
        Assert.Equal(Warnings.Green, e.Warning);
    }

    [Fact]
    public async Task MidYear_BimonthlyMeeting_NegativeMissIsRedAndOverrunIsFlagged()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear)).Project(BimonthlyMeeting);

        // ≤1场 with 2场 (反向): 1 ÷ 2 = 50% → red; no forecast for a 反向 target.
        var meetings = e.Indicator("组织科技创新双月例会场次");
        AssertRow(meetings, 0.5, Warnings.Red, null);
        Assert.Equal("其他", meetings.DeviationType);
        Assert.Equal("有可能", meetings.Likelihood);
        Assert.Equal("上半年增开一场专题例会", meetings.Deviation);
        // ≥10个 with 12个: 120% → green, and 12 ≥ 120% × 10 raises the over-run flag; forecast 24.
        var projects = e.Indicator("达成合作项目数");
        AssertRow(projects, 1.2, Warnings.Green, 24);
        Assert.Contains("120%", Assert.Single(projects.Flags));
        // Descriptive target with 部分达成 → yellow (share 70%).
        AssertRow(e.Indicator("科技合作"), 0.7, Warnings.Yellow, null);
        Assert.Equal(Statuses.Partly, e.Indicator("科技合作").Status);
        // Spending 4 of 60 = 6.67% against the plan 5 ÷ 60 = 8.33%: 1.67 points below → yellow.
        Assert.Equal(0.06666666666666667, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(0.08333333333333333, e.Funds.PlannedRate!.Value, Tolerance);
        Assert.Equal(Warnings.Yellow, e.Funds.Warning);
        // The 预算执行率 row takes the spending colour.
        Assert.Equal(Warnings.Yellow, e.Indicator("预算执行率").Warning);
        Assert.Equal(Warnings.Red, e.Warning);
    }

    [Fact]
    public async Task MidYear_ResearchInstitutes_ImpossibleIsRedAndSpendingFarBehindIsRed()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear)).Project(ResearchInstitutes);

        // ≥20个 with 18个: 90% → yellow; forecast 18 ÷ 50% = 36.
        AssertRow(e.Indicator("组织省市申报数"), 0.9, Warnings.Yellow, 36);
        // ≥3个 with 3个 is 100%, but 完成目标可能性 完全不可能 → red.
        var approvals = e.Indicator("省市项目立项数");
        AssertRow(approvals, 1, Warnings.Red, 6);
        Assert.Equal(Statuses.Met, approvals.Status);
        Assert.Equal("完全不可能", approvals.Likelihood);
        // ≤50% with 20% (反向, within the target) → 100%, green.
        AssertRow(e.Indicator("经费支出时效性"), 1, Warnings.Green, null);
        // ≥20个 with 15个: 75% → red; forecast 30.
        AssertRow(e.Indicator("新增市级以上研发机构"), 0.75, Warnings.Red, 30);
        // Spending 1.5 of 17.8 = 8.43% against the plan 3.56 ÷ 17.8 = 20%: 11.57 points below (> 10) → red.
        Assert.Equal(0.08426966292134831, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(0.2, e.Funds.PlannedRate!.Value, Tolerance);
        Assert.Equal(Warnings.Red, e.Funds.Warning);
        Assert.Equal(Warnings.Red, e.Warning);
    }

    [Fact]
    public async Task MidYear_OfficeEquipment_ZeroTargetsAndNegativeOverTargetAreYellow()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear)).Project(OfficeEquipment);

        // ≥0台、件、套、 项 with 0台 → met, green; forecast 0 ÷ 50% = 0.
        AssertRow(e.Indicator("设备购置采购数量"), 1, Warnings.Green, 0);
        // =100% with 95% ("=" reads as reach): 95% → yellow.
        AssertRow(e.Indicator("设备购置验收合格率"), 0.95, Warnings.Yellow, null);
        // ≤50% with 60% (反向): 50 ÷ 60 = 0.8333333333333334 → yellow.
        AssertRow(e.Indicator("经费支出时效性"), 0.8333333333333334, Warnings.Yellow, null);
        // Plan 0 of 14.5 and nothing spent: 0% is at the plan → green.
        Assert.Equal(0, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(0, e.Funds.PlannedRate!.Value, Tolerance);
        Assert.Equal(Warnings.Green, e.Funds.Warning);
        Assert.Equal(Warnings.Yellow, e.Warning);
    }

    [Fact]
    public async Task MidYear_PropertyManagement_QualitativeBandsAndLevelQuantityWithoutForecast()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear)).Project(PropertyManagement);

        // =2517.03平方米 with 2517.03平方米: green. The half-year target equals the full-year one: an area, not a
        // running total, so no linear forecast (it would double the area).
        AssertRow(e.Indicator("物业服务面积"), 1, Warnings.Green, null);
        // The target's own sentence as the actual means met → green.
        AssertRow(e.Indicator("经费支出合规性"), 1, Warnings.Green, null);
        // 未达成 → red (share 30%), status missed; 部分达成 → yellow (share 70%).
        AssertRow(e.Indicator("物业服务完成及时性"), 0.3, Warnings.Red, null);
        Assert.Equal(Statuses.Missed, e.Indicator("物业服务完成及时性").Status);
        AssertRow(e.Indicator("对办公环境的改善或提升程度"), 0.7, Warnings.Yellow, null);
        // Plan 0; 9.5 of 19.53 spent is above it → green.
        Assert.Equal(0.4864311315924219, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(Warnings.Green, e.Funds.Warning);
        Assert.Equal(Warnings.Red, e.Warning);
    }

    [Fact]
    public async Task MidYear_Network_SpendingFarBelowPlanIsRed()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear)).Project(Network);

        // =1项报告… with 1项: green; half-year 1 of full-year 3 is cumulative → forecast 1 ÷ 50% = 2.
        AssertRow(e.Indicator("等保测评及安全运维服务成果"), 1, Warnings.Green, 2);
        // =95% with 96%: 96 ÷ 95 = 1.0105263157894737 → green, below the 120% over-run flag.
        AssertRow(e.Indicator("信息系统日常维护合格率"), 1.0105263157894737, Warnings.Green, null);
        Assert.Empty(e.Indicator("信息系统日常维护合格率").Flags);
        AssertRow(e.Indicator("等保测评及安全运维周期"), 1, Warnings.Green, null);
        // Spending 10 of 31.39 = 31.86% against the plan 15 ÷ 31.39 = 47.79%: 15.93 points below → red.
        Assert.Equal(0.31857279388340237, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(0.47785919082510353, e.Funds.PlannedRate!.Value, Tolerance);
        Assert.Equal(Warnings.Red, e.Funds.Warning);
        Assert.Equal(Warnings.Red, e.Warning);
    }

    [Fact]
    public async Task MidYear_HighTech_YellowAtEightyPercentAndFullWidthActual()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear)).Project(HighTech);

        // ≥600个 with ５００个 (full-width digits): 500 ÷ 600 = 0.8333333333333334 → yellow; forecast 1000.
        AssertRow(e.Indicator("高企申报数"), 0.8333333333333334, Warnings.Yellow, 1000);
        // ≥800个 with 1000个: 125% → green, over-run flagged (≥ 120%); forecast 2000.
        var recognised = e.Indicator("科创项目认定数");
        AssertRow(recognised, 1.25, Warnings.Green, 2000);
        Assert.Contains("125%", Assert.Single(recognised.Flags));
        // ≥50% with 40%: exactly 80% → yellow (the boundary belongs to yellow).
        AssertRow(e.Indicator("高企、科创项目申报进度"), 0.8, Warnings.Yellow, null);
        // Spending 1 of 27 = 3.70% against the plan 1.6 ÷ 27 = 5.93%: 2.22 points below → yellow.
        Assert.Equal(0.037037037037037035, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(0.05925925925925926, e.Funds.PlannedRate!.Value, Tolerance);
        Assert.Equal(Warnings.Yellow, e.Funds.Warning);
        Assert.Equal(Warnings.Yellow, e.Warning);
    }

    [Theory]
    [InlineData(TongChuangHui, Warnings.Yellow)]
    [InlineData(BimonthlyMeeting, Warnings.Red)]
    [InlineData(ResearchInstitutes, Warnings.Red)]
    [InlineData(OfficeEquipment, Warnings.Yellow)]
    [InlineData(PropertyManagement, Warnings.Red)]
    [InlineData(Network, Warnings.Red)]
    [InlineData(HighTech, Warnings.Yellow)]
    // Not in the fixture: every indicator and the spending are 未填报 → red.
    [InlineData(IndustryResearch, Warnings.Red)]
    public async Task MidYear_EveryProject_WarningIsTheWorstColour(string project, string warning)
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear, asOf: EndOfJune)).Project(project);

        Assert.Equal(warning, e.Warning);
    }

    [Fact]
    public async Task MidYear_ProjectWithoutRows_ListsEveryIndicatorAsMissing()
    {
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear)).Project(IndustryResearch);

        Assert.Equal(15, e.Missing.Count);
        Assert.All(e.Indicators, i => Assert.Equal((Statuses.Missing, Warnings.Red), (i.Status, i.Warning)));
        Assert.Null(e.Funds.Spent);
        Assert.Equal(Warnings.Red, e.Funds.Warning);
    }

    [Theory]
    // Execution ÷ 序时进度 (50%): ≥ 80% green, ≥ 60% yellow, below red.
    // 网络: 31.857% ÷ 50% = 0.637 → yellow (red against its own plan).
    [InlineData(Network, 0.31857279388340237, Warnings.Yellow, Warnings.Yellow)]
    // 物业管理费: 48.643% ÷ 50% = 0.973 → green; the project stays red for 物业服务完成及时性 未达成.
    [InlineData(PropertyManagement, 0.4864311315924219, Warnings.Green, Warnings.Red)]
    // 办公设备购置: nothing spent, 0 ÷ 50% = 0 → red (green against its plan of 0).
    [InlineData(OfficeEquipment, 0, Warnings.Red, Warnings.Red)]
    // 通创荟: 10% ÷ 50% = 0.2 → red.
    [InlineData(TongChuangHui, 0.1, Warnings.Red, Warnings.Red)]
    // 高新: 3.704% ÷ 50% = 0.074 → red.
    [InlineData(HighTech, 0.037037037037037035, Warnings.Red, Warnings.Red)]
    public async Task MidYear_TimeProgressScheme_SpendingComparedWithTimeProgress(string project, double rate, string spending, string overall)
    {
        var scheme = ScoringScheme.Load(Scheme("time-progress.json"));
        var e = (await ScoreAsync(MidYearActuals, Period.MidYear, scheme)).Project(project);

        Assert.Equal(rate, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(spending, e.Funds.Warning);
        Assert.Contains("序时进度 50%", e.Funds.Explanation);
        Assert.Equal(overall, e.Warning);
    }

    private static void AssertRow(IndicatorResult row, double completion, string warning, double? forecast)
    {
        Assert.Equal(completion, row.Completion!.Value, Tolerance);
        Assert.Equal(warning, row.Warning);
        if (forecast is null)
            Assert.Null(row.Forecast);
        else
            Assert.Equal(forecast.Value, row.Forecast!.Value, Tolerance);
        Assert.Equal(0, row.Weight);
        Assert.Equal(0, row.Score);
    }
}
