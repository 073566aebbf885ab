using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Review;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Review;

public class TargetReviewTests
{
    private const string Department = "南通市科学技术局";

    // ---- the real seed ----

    [Fact]
    public void Review_Seed_FindsTheMeetingCountWrittenWithLessOrEqual()
    {
        var findings = SeedFindings().Where(f => f.Check == "negative-output-count").ToList();

        var finding = Assert.Single(findings);
        Assert.Equal(
            new Finding(2026, Department, "科技创新双月例会专项", "组织科技创新双月例会场次", "产出指标/数量指标/组织科技创新双月例会场次",
                "negative-output-count", Severity.Warning,
                "数量指标用“≤”“<”限定上限（半年指标值“≤1场”，全年指标值“≤3场”）：产出数量越多越好，按反向指标评分时完成 0 也算达标；如为最低要求应改为“≥”"),
            finding);
    }

    [Fact]
    public void Review_Seed_FindsTheTwoHalfYearTargetsOfZero()
    {
        var findings = SeedFindings().Where(f => f.Check == "zero-positive-target")
            .Select(f => (f.Project, f.Rule, f.Severity, f.Message))
            .ToList();

        Assert.Equal(
            [
                ("“通创荟”和科技招商经费专项", "产出指标/时效指标/科创大赛省赛和国赛获奖数", Severity.Warning,
                    "半年指标值“≥0个”是 0 的正向目标，任何完成值都能达到，起不到监控作用：如上半年确无产出，请在绩效目标中说明，或设定可监控的阶段目标"),
                ("办公设备购置", "产出指标/数量指标/设备购置采购数量", Severity.Warning,
                    "半年指标值“≥0台、件、套、 项”是 0 的正向目标，任何完成值都能达到，起不到监控作用：如上半年确无产出，请在绩效目标中说明，或设定可监控的阶段目标"),
            ],
            findings);
    }

    [Fact]
    public void Review_Seed_FindsNoExecutionRateDisagreement()
    {
        // 5/60 = 8.33% against =8%, 15/31.39 = 47.79% against =48%, 1.6/27 = 5.93% against =6%: all agree to rounding.
        var checks = SeedFindings().Select(f => f.Check).ToList();

        Assert.DoesNotContain("execution-rate-mismatch", checks);
        Assert.DoesNotContain("year-end-execution-rate-not-full", checks);
        Assert.DoesNotContain("mid-year-spend-above-annual", checks);
    }

    [Fact]
    public void Review_Seed_CountsFindingsPerCheck()
    {
        var counts = SeedFindings()
            .GroupBy(f => (f.Check, f.Severity))
            .Select(g => (g.Key.Check, g.Key.Severity, g.Count()))
            .OrderBy(c => c.Check, StringComparer.Ordinal).ThenBy(c => c.Severity)
            .ToList();

        Assert.Equal(
            [
                ("negative-output-count", Severity.Warning, 1),
                ("no-satisfaction-indicator", Severity.Hint, 12),
                // 产出: 经费支出合规性 ×2, 物业服务完成及时性, 市“十五五”科技规划编制, 科技合作.
                ("qualitative-only", Severity.Warning, 5),
                // 效益 较高 in every table but 科研机构建设专项 (≥80个).
                ("qualitative-only", Severity.Hint, 11),
                ("zero-positive-target", Severity.Warning, 2),
            ],
            counts);
    }

    [Fact]
    public void Review_SeedImportedFromText_MatchesTheCommittedRulesFiles()
    {
        var fromText = TargetTableTextImporter.Read(Path.Combine(RepoRoot(), "seeds", "000_39cb5bcb496eb896.txt"))
            .Select(i => i.Table!)
            .OrderBy(t => t.Project.Name, StringComparer.Ordinal)
            .SelectMany(TargetReview.Review)
            .ToList();

        Assert.Equal(SeedFindings(), fromText);
    }

    // ---- half-year target above the full-year one ----

    [Fact]
    public void Review_HalfYearCountAboveFullYear_IsAnError()
    {
        var findings = Run("half-year-above-full-year", ("产出指标/数量指标/招引科创项目数", "≥2000个", "≥1800个"));

        Assert.Equal([(Severity.Error, "半年指标值“≥2000个”高于全年指标值“≥1800个”：半年目标不应超过全年目标")], findings);
    }

    [Fact]
    public void Review_HalfYearCountBelowFullYear_IsNotReported()
    {
        Assert.Empty(Run("half-year-above-full-year", ("产出指标/数量指标/招引科创项目数", "≥900个", "≥1800个")));
    }

    [Fact]
    public void Review_HalfYearRateAboveFullYear_IsAWarning()
    {
        var findings = Run("half-year-above-full-year", ("产出指标/质量指标/验收合格率", "=98%", "≥95%"));

        Assert.Equal([(Severity.Warning, "半年指标值“=98%”高于全年指标值“≥95%”：半年目标不应超过全年目标")], findings);
    }

    [Fact]
    public void Review_NegativeHalfYearCeilingLooserThanFullYear_IsAnError()
    {
        var findings = Run("half-year-above-full-year", ("产出指标/成本指标/单场会议成本", "≤5万元", "≤3万元"));

        Assert.Equal([(Severity.Error, "半年指标值“≤5万元”的上限高于全年指标值“≤3万元”：反向指标的半年目标比全年目标更宽松")], findings);
    }

    [Fact]
    public void Review_NegativeHalfYearCeilingTighterThanFullYear_IsNotReported()
    {
        Assert.Empty(Run("half-year-above-full-year", ("产出指标/成本指标/会议成本", "≤1万元", "≤3万元")));
    }

    [Fact]
    public void Review_HalfYearAndFullYearInOppositeDirections_AreNotCompared()
    {
        Assert.Empty(Run("half-year-above-full-year", ("产出指标/成本指标/会议成本", "≥5万元", "≤3万元")));
    }

    // ---- a positive target of 0 ----

    [Fact]
    public void Review_FullYearTargetOfZero_IsAnError()
    {
        var findings = Run("zero-positive-target", ("产出指标/数量指标/获奖数", "≥0个", "≥0个"));

        Assert.Equal(
            [
                (Severity.Warning, "半年指标值“≥0个”是 0 的正向目标，任何完成值都能达到，起不到监控作用：如上半年确无产出，请在绩效目标中说明，或设定可监控的阶段目标"),
                (Severity.Error, "全年指标值“≥0个”是 0 的正向目标，任何完成值都能达到，起不到考核作用"),
            ],
            findings);
    }

    [Theory]
    [InlineData(">0个")]
    [InlineData("≥1个")]
    [InlineData("=0%")]
    public void Review_TargetThatCanFail_IsNotAZeroTarget(string midYear)
    {
        Assert.Empty(Run("zero-positive-target", ("产出指标/数量指标/获奖数", midYear, "≥10个")));
    }

    // ---- a negative comparison on an output count ----

    [Fact]
    public void Review_FullYearCountWithLessOrEqual_NamesOnlyThatTarget()
    {
        var findings = Run("negative-output-count", ("产出指标/数量指标/培训场次", "≥1场", "≤3场"));

        Assert.Equal(
            [(Severity.Warning, "数量指标用“≤”“<”限定上限（全年指标值“≤3场”）：产出数量越多越好，按反向指标评分时完成 0 也算达标；如为最低要求应改为“≥”")],
            findings);
    }

    [Theory]
    [InlineData("产出指标/数量指标/培训场次", "≥3场")]
    [InlineData("产出指标/时效指标/完成时间", "≤12月")]
    [InlineData("产出指标/数量指标/经费支出进度", "≤100%")]
    public void Review_LessOrEqualOutsideCountsOrOnRates_IsNotANegativeCount(string path, string yearEnd)
    {
        Assert.Empty(Run("negative-output-count", (path, yearEnd, yearEnd)));
    }

    // ---- only a qualitative target ----

    [Fact]
    public void Review_OutputWithOnlyAQualitativeTarget_IsAWarning()
    {
        var findings = Run("qualitative-only", ("产出指标/时效指标/规划编制", "完成", "完成"));

        Assert.Equal([(Severity.Warning, "产出指标只有定性的全年指标值“完成”：产出应可计量，宜改为带数值和单位的目标（如 ≥N个、≥95%、≤12月）")], findings);
    }

    [Fact]
    public void Review_EffectWithOnlyAQualitativeTarget_IsAHint()
    {
        var findings = Run("qualitative-only", ("效益指标/社会效益/推动程度", "较高", "较高"));

        Assert.Equal([(Severity.Hint, "效益指标只有定性的全年指标值“较高”：宜写明可核验的效果，能量化的改为量化目标")], findings);
    }

    [Theory]
    [InlineData("效益指标/社会效益/新增市级以上研发机构", "≥20个", "≥80个")]
    [InlineData("产出指标/时效指标/规划编制", "启动", "≤12月")]
    [InlineData("过程/资金管理/资金使用合规性", "合规", "合规")]
    public void Review_QuantitativeYearEndOrCommonIndicator_IsNotQualitativeOnly(string path, string midYear, string yearEnd)
    {
        Assert.Empty(Run("qualitative-only", (path, midYear, yearEnd)));
    }

    // ---- 预算执行率 and the funds ----

    [Fact]
    public void Review_HalfYearExecutionRateDisagreeingWithPlannedSpend_IsAnError()
    {
        var table = Table(annualBudget: 135m, midYearPlannedSpend: 20m, ("过程/资金管理/预算执行率", "=10%", "=100%"));

        var findings = Only(TargetReview.Review(table), "execution-rate-mismatch");

        Assert.Equal(
            [(Severity.Error, "半年指标值“=10%”与半年计划执行数 / 全年预算数 = 20 / 135 = 14.81% 不符：按目标的精度应为 15%")],
            findings);
    }

    [Theory]
    [InlineData("=6%")]
    [InlineData("=5.9%")]
    [InlineData("≥6%")]
    public void Review_HalfYearExecutionRateEqualToRounding_IsNotReported(string midYear)
    {
        // 1.6 / 27 = 5.926%, the seed's 高新技术发展专项.
        var table = Table(annualBudget: 27m, midYearPlannedSpend: 1.6m, ("过程/资金管理/预算执行率", midYear, "=100%"));

        Assert.Empty(Only(TargetReview.Review(table), "execution-rate-mismatch"));
    }

    [Theory]
    [InlineData("=5%")]
    [InlineData("=6.0%")]
    public void Review_HalfYearExecutionRateOffByMoreThanItsLastDigit_IsReported(string midYear)
    {
        var table = Table(annualBudget: 27m, midYearPlannedSpend: 1.6m, ("过程/资金管理/预算执行率", midYear, "=100%"));

        Assert.Single(Only(TargetReview.Review(table), "execution-rate-mismatch"));
    }

    [Fact]
    public void Review_FullYearExecutionRateBelowHundred_IsAHint()
    {
        var findings = Run("year-end-execution-rate-not-full", ("过程/资金管理/预算执行率", "=50%", "=90%"));

        Assert.Equal([(Severity.Hint, "全年预算执行率目标“=90%”不是 100%：年度预算原则上应全年执行完毕")], findings);
    }

    [Fact]
    public void Review_FullYearExecutionRateBareHundred_IsNotReported()
    {
        Assert.Empty(Run("year-end-execution-rate-not-full", ("过程/资金管理/预算执行率", "=50%", "100%")));
    }

    [Fact]
    public void Review_MidYearPlannedSpendAboveAnnualBudget_IsAFundsError()
    {
        var table = Table(annualBudget: 10m, midYearPlannedSpend: 12.5m, ("产出指标/数量指标/招引科创项目数", "≥1个", "≥2个"));

        var finding = Assert.Single(TargetReview.Review(table), f => f.Check == "mid-year-spend-above-annual");

        Assert.Equal(("半年计划执行数", "项目资金", Severity.Error, "半年计划执行数 12.5 万元超过全年预算数 10 万元"),
            (finding.Indicator, finding.Rule, finding.Severity, finding.Message));
    }

    [Fact]
    public void Review_MidYearPlannedSpendEqualToAnnualBudget_IsNotReported()
    {
        var table = Table(annualBudget: 10m, midYearPlannedSpend: 10m, ("产出指标/数量指标/招引科创项目数", "≥1个", "≥2个"));

        Assert.Empty(Only(TargetReview.Review(table), "mid-year-spend-above-annual"));
    }

    // ---- units ----

    [Fact]
    public void Review_QuantityWithoutUnit_IsReportedForEachPeriod()
    {
        var findings = Run("missing-unit", ("产出指标/数量指标/招引科创项目数", "≥900", "≥1800"));

        Assert.Equal(
            [
                (Severity.Warning, "半年指标值“≥900”缺少计量单位：请写明单位（如 个、场、项、万元）"),
                (Severity.Warning, "全年指标值“≥1800”缺少计量单位：请写明单位（如 个、场、项、万元）"),
            ],
            findings);
    }

    [Theory]
    [InlineData("≥1800个")]
    [InlineData("≥90%")]
    [InlineData("=3项报告、应急预案报告、安全巡检报告")]
    public void Review_QuantityWithUnitOrPercent_HasNoMissingUnit(string target)
    {
        Assert.Empty(Run("missing-unit", ("产出指标/数量指标/成果", target, target)));
    }

    [Fact]
    public void Review_HalfYearUnitDifferentFromFullYear_IsAWarningAndNotCompared()
    {
        var table = Table(100m, 50m, ("产出指标/数量指标/项目数", "≥2000个", "≥1800项"));
        var findings = TargetReview.Review(table);

        Assert.Equal(
            [(Severity.Warning, "半年指标值“≥2000个”与全年指标值“≥1800项”的单位不同（个 / 项）：半年与全年应使用同一计量单位")],
            Only(findings, "half-year-unit-differs"));
        Assert.Empty(Only(findings, "half-year-above-full-year"));
    }

    [Fact]
    public void Review_SameUnitListSpacedDifferently_IsTheSameUnit()
    {
        Assert.Empty(Run("half-year-unit-differs", ("产出指标/数量指标/设备购置采购数量", "≥10台、件、套、 项", "≥37台、件、套、项")));
    }

    // ---- categories ----

    [Fact]
    public void Review_TableWithoutOutputOrEffect_ReportsBothCategories()
    {
        var table = Table(100m, 50m, ("过程/资金管理/预算执行率", "=50%", "=100%"));

        var findings = TargetReview.Review(table).Where(f => f.Check == "empty-category").Select(f => (f.Rule, f.Severity, f.Message)).ToList();

        Assert.Equal(
            [
                ("产出指标", Severity.Error, "产出指标下没有任何三级指标：目标表应设置产出指标，否则无从评价项目的产出"),
                ("效益指标", Severity.Error, "效益指标下没有任何三级指标：目标表应设置效益指标，否则无从评价项目的效益"),
            ],
            findings);
    }

    [Fact]
    public void Review_TableWithOutputAndEffect_HasNoEmptyCategory()
    {
        Assert.Empty(Run("empty-category",
            ("产出指标/数量指标/项目数", "≥1个", "≥2个"),
            ("效益指标/社会效益/新增研发机构", "≥1个", "≥2个")));
    }

    [Fact]
    public void Review_TableWithoutSatisfaction_IsAHint()
    {
        var findings = Run("no-satisfaction-indicator", ("产出指标/数量指标/项目数", "≥1个", "≥2个"));

        Assert.Equal([(Severity.Hint, "未设置满意度指标：有服务对象的项目宜设置服务对象满意度指标；自评时其分值按比例分给其他指标")], findings);
    }

    [Fact]
    public void Review_TableWithSatisfaction_HasNoSatisfactionHint()
    {
        Assert.Empty(Run("no-satisfaction-indicator", ("满意度指标/服务对象满意度/企业满意度", "≥90%", "≥90%")));
    }

    // ---- helpers ----

    private static List<Finding> SeedFindings() =>
        RulesFile.FilesUnder(Path.Combine(RepoRoot(), "rules", "2026", Department))
            .Select(f => RulesFile.Read(File.ReadAllText(f)))
            .OrderBy(t => t.Project.Name, StringComparer.Ordinal)
            .SelectMany(TargetReview.Review)
            .ToList();

    /// <summary>Reviews a one-off table (budget 100, half-year plan 50) and keeps one check's severities and messages.</summary>
    private static List<(Severity, string)> Run(string check, params (string Path, string MidYear, string YearEnd)[] indicators) =>
        Only(TargetReview.Review(Table(100m, 50m, indicators)), check);

    private static List<(Severity, string)> Only(IEnumerable<Finding> findings, string check) =>
        findings.Where(f => f.Check == check).Select(f => (f.Severity, f.Message)).ToList();

    private static TargetTable Table(decimal annualBudget, decimal? midYearPlannedSpend, params (string Path, string MidYear, string YearEnd)[] indicators)
    {
        var project = new Project
        {
            Year = 2026,
            Name = "测试项目",
            Department = Department,
            Funds = new Funds { Total = annualBudget, AnnualBudget = annualBudget, MidYearPlannedSpend = midYearPlannedSpend },
        };
        var list = indicators.Select(i =>
        {
            var parts = i.Path.Split('/');
            return new Indicator(parts[0], parts[1], parts[2], TargetNotation.Parse(i.MidYear, i.Path), TargetNotation.Parse(i.YearEnd, i.Path));
        }).ToList();
        return new TargetTable(project, list);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BudgetEvaluation.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("BudgetEvaluation.sln not found above the test output folder");
    }
}
