using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using static BudgetEvaluation.Core.Tests.Scoring.ScoringFixtures;

namespace BudgetEvaluation.Core.Tests.Scoring;

/// <summary>
/// Year-end self-evaluation of the twelve seed projects against Fixtures/actuals-year-end.csv, with every expected
/// number worked out by hand from DOMAIN §4. Default scheme: 预算执行率 10 (项目资金), 产出 50, 效益 30, 满意度 10;
/// no seed table has a 满意度 indicator, so its 10 points go to 产出 and 效益 in proportion 50:30:
/// 产出 = 50 + 10 × 50/80 = 56.25, 效益 = 30 + 10 × 30/80 = 33.75. Every seed table has 3 产出 indicators
/// (56.25 ÷ 3 = 18.75 each) and 1 效益 indicator (33.75). 决策/过程 rows carry no points.
/// </summary>
public sealed class YearEndGoldenTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public async Task YearEnd_TongChuangHui_ScoresCountsBandAndFundsByHand()
    {
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd)).Project(TongChuangHui);

        // 项目资金: 130 of 135 spent; 10 × min(130 ÷ 135, 1) = 9.62962962962963.
        Assert.Equal(135, e.Funds.AnnualBudget, Tolerance);
        Assert.Equal(130, e.Funds.Spent!.Value, Tolerance);
        Assert.Equal(0.9629629629629629, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(10, e.Funds.Weight, Tolerance);
        Assert.Equal(9.62962962962963, e.Funds.Score, Tolerance);

        // ≥1800个, actual 1700个: 18.75 × 1700 ÷ 1800 = 17.708333333333332.
        AssertRow(e.Indicator("招引科创项目数"), 18.75, 17.708333333333332, Statuses.Partly);
        // ≥2场, actual 2场: met, full 18.75.
        AssertRow(e.Indicator("组织科技招商专题活动"), 18.75, 18.75, Statuses.Met);
        // ≥10个, actual 13个: met, full 18.75 (over-achievement is flagged, not docked).
        AssertRow(e.Indicator("科创大赛省赛和国赛获奖数"), 18.75, 18.75, Statuses.Met);
        // 较高, actual 部分达成 75%: 33.75 × 0.75 = 25.3125.
        AssertRow(e.Indicator("对落实创新驱动发展战略的推动程度"), 33.75, 25.3125, Statuses.Partly);
        // 决策/过程 rows carry no points; 预算执行率's 10 points sit in 项目资金, not in its row.
        Assert.All(e.Indicators.Where(i => i.Category is "决策" or "过程"), i => Assert.Equal(0, i.Weight));

        // 9.62962962962963 + 17.708333333333332 + 18.75 + 18.75 + 25.3125 = 90.15046296296296 → 优 (≥ 90).
        Assert.Equal(90.15046296296296, e.TotalScore!.Value, Tolerance);
        Assert.Equal("优", e.Grade);
        Assert.Empty(e.Missing);
    }

    [Fact]
    public async Task YearEnd_TongChuangHui_FlagsAwardsAtOneHundredThirtyPercent()
    {
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd)).Project(TongChuangHui);

        // 13 ÷ 10 = 130% ≥ 130%: needs a 偏差原因 (target possibly set too low).
        var flag = Assert.Single(e.Indicator("科创大赛省赛和国赛获奖数").Flags);
        Assert.Contains("130%", flag);
        Assert.Contains("偏差原因", flag);
        // 1700 ÷ 1800 and 2 ÷ 2 are below 130%: no flag.
        Assert.Empty(e.Indicator("招引科创项目数").Flags);
        Assert.Empty(e.Indicator("组织科技招商专题活动").Flags);
    }

    [Fact]
    public async Task YearEnd_PropertyManagement_ExceededEqualTargetAndOverspentBudgetScoreFull()
    {
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd)).Project(PropertyManagement);

        // Spent 20 of 19.53: rate 20 ÷ 19.53 = 1.0240655401945724, score 10 × min(rate, 1) = 10.
        Assert.Equal(1.0240655401945724, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(10, e.Funds.Weight, Tolerance);
        Assert.Equal(10, e.Funds.Score, Tolerance);

        // =2517.03平方米, actual 2600平方米: "=" reads as "reach the value" by default → full 18.75.
        AssertRow(e.Indicator("物业服务面积"), 18.75, 18.75, Statuses.Met);
        // Descriptive 严格执行相关财经法规、制度, actual 达成 → full 18.75.
        AssertRow(e.Indicator("经费支出合规性"), 18.75, 18.75, Statuses.Met);
        // 及时, actual 未达成 (default 30%): 18.75 × 0.3 = 5.625, and the status stays "missed".
        AssertRow(e.Indicator("物业服务完成及时性"), 18.75, 5.625, Statuses.Missed);
        // 较高, actual 达成 85%: 33.75 × 0.85 = 28.6875.
        AssertRow(e.Indicator("对办公环境的改善或提升程度"), 33.75, 28.6875, Statuses.Met);

        // 10 + 18.75 + 18.75 + 5.625 + 28.6875 = 81.8125 → 良.
        Assert.Equal(81.8125, e.TotalScore!.Value, Tolerance);
        Assert.Equal("良", e.Grade);
    }

    [Fact]
    public async Task YearEnd_BimonthlyMeeting_NegativeMissScoresTargetOverActual()
    {
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd)).Project(BimonthlyMeeting);

        // Spent 45 of 60: 10 × 45 ÷ 60 = 7.5.
        Assert.Equal(0.75, e.Funds.ExecutionRate!.Value, Tolerance);
        Assert.Equal(7.5, e.Funds.Score, Tolerance);
        // ≤3场, actual 4场 (反向): 18.75 × 3 ÷ 4 = 14.0625.
        AssertRow(e.Indicator("组织科技创新双月例会场次"), 18.75, 14.0625, Statuses.Partly);
        Assert.Contains("18.75 × 3 ÷ 4", e.Indicator("组织科技创新双月例会场次").Explanation);
        // ≥20个, actual 20个 → 18.75.
        AssertRow(e.Indicator("达成合作项目数"), 18.75, 18.75, Statuses.Met);
        // Descriptive target, actual 未达成 50% (inside 0–60%): 18.75 × 0.5 = 9.375, status missed.
        AssertRow(e.Indicator("科技合作"), 18.75, 9.375, Statuses.Missed);
        AssertRow(e.Indicator("促进科技创新和产业创新深度融合"), 33.75, 33.75, Statuses.Met);

        // 7.5 + 14.0625 + 18.75 + 9.375 + 33.75 = 83.4375 → 良.
        Assert.Equal(83.4375, e.TotalScore!.Value, Tolerance);
        Assert.Equal("良", e.Grade);
    }

    [Fact]
    public async Task YearEnd_ResearchInstitutes_MissingActualIsListedWithZeroPoints()
    {
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd)).Project(ResearchInstitutes);

        // 省市项目立项数 has no row: 未填报, weight kept (18.75), score 0, listed in missing.
        var row = e.Indicator("省市项目立项数");
        AssertRow(row, 18.75, 0, Statuses.Missing);
        Assert.Null(row.Actual);
        Assert.Equal(["产出指标/质量指标/省市项目立项数"], e.Missing);
        // ≥100个 with 120个, ≤100% with 100%, ≥80个 (效益) with 80个: all met.
        AssertRow(e.Indicator("组织省市申报数"), 18.75, 18.75, Statuses.Met);
        AssertRow(e.Indicator("经费支出时效性"), 18.75, 18.75, Statuses.Met);
        AssertRow(e.Indicator("新增市级以上研发机构"), 33.75, 33.75, Statuses.Met);

        // 10 (17.8 of 17.8) + 18.75 + 0 + 18.75 + 33.75 = 81.25 → 良.
        Assert.Equal(10, e.Funds.Score, Tolerance);
        Assert.Equal(81.25, e.TotalScore!.Value, Tolerance);
        Assert.Equal("良", e.Grade);
    }

    [Fact]
    public async Task YearEnd_Network_DescriptionTargetLooseEqualPercentAndDefaultPartlyBand()
    {
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd)).Project(Network);

        // =3项报告、应急预案报告、安全巡检报告 with 3项: met.
        AssertRow(e.Indicator("等保测评及安全运维服务成果"), 18.75, 18.75, Statuses.Met);
        // =95% with 96%: "=" reads as reach → met.
        AssertRow(e.Indicator("信息系统日常维护合格率"), 18.75, 18.75, Statuses.Met);
        // ≤1年 with 1年: 反向, met at the boundary.
        AssertRow(e.Indicator("等保测评及安全运维周期"), 18.75, 18.75, Statuses.Met);
        // 部分达成 without a percentage takes the default 70%: 33.75 × 0.7 = 23.625.
        AssertRow(e.Indicator("对信息系统可用性及稳定性的改善或提升程度"), 33.75, 23.625, Statuses.Partly);

        // 10 + 18.75 × 3 + 23.625 = 89.875 → 良 (below 90).
        Assert.Equal(89.875, e.TotalScore!.Value, Tolerance);
        Assert.Equal("良", e.Grade);
    }

    [Fact]
    public async Task YearEnd_Utilities_PercentBelowPositiveTargetScoresProRata()
    {
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd)).Project(Utilities);

        // ≥90% with 85%: 18.75 × 85 ÷ 90 = 17.708333333333332.
        AssertRow(e.Indicator("正常用水用电率"), 18.75, 17.708333333333332, Statuses.Partly);
        // 10 + 17.708333333333332 + 18.75 + 18.75 + 33.75 = 98.95833333333333 → 优.
        Assert.Equal(98.95833333333333, e.TotalScore!.Value, Tolerance);
        Assert.Equal("优", e.Grade);
    }

    [Theory]
    // 10 × 130/135 + 18.75 × 1700/1800 + 18.75 + 18.75 + 33.75 × 0.75
    [InlineData(TongChuangHui, 90.15046296296296, "优")]
    // everything met, 27 of 27 spent: 10 + 56.25 + 33.75
    [InlineData(IndustryResearch, 100, "优")]
    [InlineData(OfficeEquipment, 100, "优")]
    [InlineData(ForeignExperts, 100, "优")]
    // 10 + 18.75 × 85/90 + 18.75 + 18.75 + 33.75
    [InlineData(Utilities, 98.95833333333333, "优")]
    // 10 + 18.75 + 18.75 + 18.75 × 0.3 + 33.75 × 0.85
    [InlineData(PropertyManagement, 81.8125, "良")]
    [InlineData(InnovationOffice, 100, "优")]
    // ≤12月 with 11月 is met: 100
    [InlineData(InnovationSystem, 100, "优")]
    // 10 × 45/60 + 18.75 × 3/4 + 18.75 + 18.75 × 0.5 + 33.75
    [InlineData(BimonthlyMeeting, 83.4375, "良")]
    // 10 + 18.75 + 0 (missing) + 18.75 + 33.75
    [InlineData(ResearchInstitutes, 81.25, "良")]
    // 10 + 18.75 × 3 + 33.75 × 0.7
    [InlineData(Network, 89.875, "良")]
    [InlineData(HighTech, 100, "优")]
    public async Task YearEnd_EverySeedProject_TotalAndGradeByHand(string project, double total, string grade)
    {
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd)).Project(project);

        Assert.Equal(total, e.TotalScore!.Value, Tolerance);
        Assert.Equal(grade, e.Grade);
    }

    [Fact]
    public async Task YearEnd_DecisionProcessScheme_BimonthlyMeetingScoresEveryCategory()
    {
        var scheme = ScoringScheme.Load(Scheme("decision-process.json"));
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd, scheme)).Project(BimonthlyMeeting);

        // 决策 15 over 6 indicators = 2.5 each, all 达成.
        Assert.All(e.Indicators.Where(i => i.Category == "决策"), i => AssertRow(i, 2.5, 2.5, Statuses.Met));
        // 过程 15 over 5 indicators (incl. 预算执行率) = 3 each; 预算执行率 45/60 = 75%: 3 × 75 ÷ 100 = 2.25.
        Assert.Equal(5, e.Indicators.Count(i => i.Category == "过程"));
        AssertRow(e.Indicator("预算执行率"), 3, 2.25, Statuses.Partly);
        AssertRow(e.Indicator("资金到位率"), 3, 3, Statuses.Met);
        AssertRow(e.Indicator("资金使用合规性"), 3, 3, Statuses.Met);
        // 产出 40 over 3 = 13.333333333333334 each: ≤3场 with 4场 → 13.333… × 3 ÷ 4 = 10;
        // 未达成 50% → 13.333… × 0.5 = 6.666666666666667.
        AssertRow(e.Indicator("组织科技创新双月例会场次"), 13.333333333333334, 10, Statuses.Partly);
        AssertRow(e.Indicator("达成合作项目数"), 13.333333333333334, 13.333333333333334, Statuses.Met);
        AssertRow(e.Indicator("科技合作"), 13.333333333333334, 6.666666666666667, Statuses.Missed);
        // 效益 30 over 1.
        AssertRow(e.Indicator("促进科技创新和产业创新深度融合"), 30, 30, Statuses.Met);
        // 项目资金 carries no separate points in this scheme.
        Assert.Equal(0, e.Funds.Weight);
        Assert.Equal(0, e.Funds.Score);

        // 15 + (4 × 3 + 2.25) + (10 + 13.333… + 6.666…) + 30 = 15 + 14.25 + 30 + 30 = 89.25 → 良.
        Assert.Equal(89.25, e.TotalScore!.Value, Tolerance);
        Assert.Equal("良", e.Grade);
    }

    [Fact]
    public async Task YearEnd_ExactEqualRule_ExceededAreaScoresTargetOverActual()
    {
        // The same rules with 物业服务面积 marked exact (tolerance 0.01), as a true point target.
        var rules = CopyRules();
        try
        {
            var file = RulesFileOf(rules, PropertyManagement);
            var table = RulesFile.Read(File.ReadAllText(file));
            var exact = table with
            {
                Indicators = table.Indicators.Select(i => i.Name == "物业服务面积" ? i with { Tolerance = 0.01m } : i).ToList(),
            };
            File.WriteAllText(file, RulesFile.Serialize(exact));

            var e = (await ScoreAsync(YearEndActuals, Period.YearEnd, projects: RulesProject.LoadAll(rules))).Project(PropertyManagement);

            // 2600 vs =2517.03 exact: 18.75 × min(2600/2517.03, 2517.03/2600) = 18.75 × 2517.03 ÷ 2600 = 18.151658653846155.
            AssertRow(e.Indicator("物业服务面积"), 18.75, 18.151658653846155, Statuses.Partly);
            // 81.8125 − 18.75 + 18.151658653846155 = 81.21415865384616.
            Assert.Equal(81.21415865384616, e.TotalScore!.Value, Tolerance);
        }
        finally
        {
            Directory.Delete(rules, recursive: true);
        }
    }

    [Fact]
    public async Task YearEnd_MissingSpendingRow_KeepsFundsWeightWithZeroScore()
    {
        // Regression: without a 执行数 row the funds part used to drop to weight 0, so the project's points summed to 90.
        var projects = SeedProjects().Where(p => p.Project.Name == IndustryResearch).ToList();
        var rows = projects[0].Table.Indicators
            .Where(i => i.Name != IndicatorTree.BudgetExecutionRate)
            .Select((i, n) => new BudgetEvaluation.Core.Actuals.ActualRow
            {
                Line = n + 2,
                Project = IndustryResearch,
                Category = i.Category,
                Subcategory = i.Subcategory,
                Indicator = i.Name,
                Value = i.YearEndTarget.Direction == Direction.Qualitative ? "达成" : i.YearEndTarget.Text.TrimStart('≥', '≤', '='),
            });

        var e = (await ScoreRowsAsync(projects, rows, Period.YearEnd)).Project(IndustryResearch);

        Assert.Null(e.Funds.Spent);
        Assert.Equal(10, e.Funds.Weight);
        Assert.Equal(0, e.Funds.Score);
        Assert.Equal(["过程/资金管理/预算执行率"], e.Missing);
        // All indicators met: 0 + 56.25 + 33.75 = 90 of 100 → 优 at the boundary.
        Assert.Equal(90, e.TotalScore!.Value, Tolerance);
        Assert.Equal("优", e.Grade);
        Assert.Equal(100, e.Funds.Weight + e.Indicators.Sum(i => i.Weight), Tolerance);
    }

    [Fact]
    public async Task YearEnd_EqualZeroTarget_IsMetOnlyByZero()
    {
        // DOMAIN §4: a year-end "=0" target (安全事故 =0起) is met only by an actual ≤ 0; at mid-year a 0 target is met by any actual ≥ 0.
        var table = Synthetic.Table(("产出指标", "质量指标", "安全事故数", "=0起", "=0起", null));
        var rules = new RuleSet(RulesFile.Workflows(RulesFile.Serialize(table)));
        var yearEnd = RuleNames.Workflow(2026, Synthetic.Department, table.Project.Name, Period.YearEnd);
        var midYear = RuleNames.Workflow(2026, Synthetic.Department, table.Project.Name, Period.MidYear);
        var context = new RuleContext { Points = [20] };

        var none = (await rules.EvaluateAsync(yearEnd, [new ActualInput { Value = 0, Unit = "起" }], context))[0];
        var two = (await rules.EvaluateAsync(yearEnd, [new ActualInput { Value = 2, Unit = "起" }], context))[0];
        var twoAtMidYear = (await rules.EvaluateAsync(midYear, [new ActualInput { Value = 2, Unit = "起" }], new RuleContext()))[0];

        Assert.Equal((true, 20.0, (string?)null), (none.Met, none.Output, none.Error));
        // 20 × 0 ÷ 2 = 0.
        Assert.Equal((false, 0.0, (string?)null), (two.Met, two.Output, two.Error));
        Assert.Equal((true, 1.0, (string?)null), (twoAtMidYear.Met, twoAtMidYear.Output, twoAtMidYear.Error));
    }

    private static void AssertRow(IndicatorResult row, double weight, double score, string status)
    {
        Assert.Equal(weight, row.Weight, Tolerance);
        Assert.Equal(score, row.Score, Tolerance);
        Assert.Equal(status, row.Status);
    }
}
