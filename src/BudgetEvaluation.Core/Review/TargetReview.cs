using System.Globalization;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Review;

/// <summary>
/// The target quality review (绩效目标审核, DOMAIN §6): the checks a finance bureau makes on a target table
/// before approving it. Works on the model alone, so the command line and the service share it.
/// </summary>
public static class TargetReview
{
    /// <summary>The rule id of findings about the table's funds rather than an indicator.</summary>
    public const string FundsRule = "项目资金";

    public const string HalfYearAboveFullYear = "half-year-above-full-year";
    public const string ZeroPositiveTarget = "zero-positive-target";
    public const string NegativeOutputCount = "negative-output-count";
    public const string QualitativeOnly = "qualitative-only";
    public const string ExecutionRateMismatch = "execution-rate-mismatch";
    public const string YearEndExecutionRateNotFull = "year-end-execution-rate-not-full";
    public const string MidYearSpendAboveAnnual = "mid-year-spend-above-annual";
    public const string MissingUnit = "missing-unit";
    public const string HalfYearUnitDiffers = "half-year-unit-differs";
    public const string EmptyCategory = "empty-category";
    public const string NoSatisfaction = "no-satisfaction-indicator";

    /// <summary>Every finding for one table: funds first, then indicators in table order, then missing categories.</summary>
    public static IReadOnlyList<Finding> Review(TargetTable table)
    {
        var findings = new List<Finding>();
        var project = table.Project;

        void AddFor(Indicator indicator, string check, Severity severity, string message) =>
            findings.Add(new Finding(project.Year, project.Department, project.Name, indicator.Name, indicator.Path, check, severity, message));

        void AddForCategory(string category, string check, Severity severity, string message) =>
            findings.Add(new Finding(project.Year, project.Department, project.Name, category, category, check, severity, message));

        var funds = project.Funds;
        if (funds.MidYearPlannedSpend is { } planned && planned > funds.AnnualBudget)
        {
            findings.Add(new Finding(project.Year, project.Department, project.Name, "半年计划执行数", FundsRule, MidYearSpendAboveAnnual, Severity.Error,
                $"半年计划执行数 {Amount(planned)} 万元超过全年预算数 {Amount(funds.AnnualBudget)} 万元"));
        }

        foreach (var indicator in table.Indicators)
        {
            foreach (var (check, severity, message) in Check(indicator, funds))
                AddFor(indicator, check, severity, message);
        }

        foreach (var category in new[] { IndicatorTree.Output, IndicatorTree.Effect })
        {
            if (!table.Indicators.Any(i => i.Category == category))
            {
                // The scoring scheme would quietly give the category's points to the others, hiding the gap.
                AddForCategory(category, EmptyCategory, Severity.Error,
                    $"{category}下没有任何三级指标：目标表应设置{category}，否则无从评价项目的{(category == IndicatorTree.Output ? "产出" : "效益")}");
            }
        }
        if (!table.Indicators.Any(i => i.Category == IndicatorTree.Satisfaction))
        {
            AddForCategory(IndicatorTree.Satisfaction, NoSatisfaction, Severity.Hint,
                "未设置满意度指标：有服务对象的项目宜设置服务对象满意度指标；自评时其分值按比例分给其他指标");
        }
        return findings;
    }

    /// <summary>Reviews every table and concatenates the findings in table order.</summary>
    public static IReadOnlyList<Finding> Review(IEnumerable<TargetTable> tables) => tables.SelectMany(Review).ToList();

    private static IEnumerable<(string Check, Severity Severity, string Message)> Check(Indicator indicator, Funds funds)
    {
        var mid = indicator.MidYearTarget;
        var year = indicator.YearEndTarget;

        foreach (var (target, label) in new[] { (mid, MidLabel), (year, YearLabel) })
        {
            if (target.Form is TargetForm.Quantity or TargetForm.QuantityWithDescription && target.Unit.Length == 0)
                yield return (MissingUnit, Severity.Warning, $"{label}“{target.Text}”缺少计量单位：请写明单位（如 个、场、项、万元）");
        }

        foreach (var finding in CompareHalfYearWithFullYear(mid, year))
            yield return finding;

        // "≥0" is met by any actual, so it measures nothing. At mid-year it usually means "nothing due yet" (the 科创大赛
        // awards come in the second half), which the department should say in words; at year-end it is a target that cannot fail.
        if (IsZeroPositive(mid))
            yield return (ZeroPositiveTarget, Severity.Warning, $"{MidLabel}“{mid.Text}”是 0 的正向目标，任何完成值都能达到，起不到监控作用：如上半年确无产出，请在绩效目标中说明，或设定可监控的阶段目标");
        if (IsZeroPositive(year))
            yield return (ZeroPositiveTarget, Severity.Error, $"{YearLabel}“{year.Text}”是 0 的正向目标，任何完成值都能达到，起不到考核作用");

        if (indicator.Category == IndicatorTree.Output && indicator.Subcategory == "数量指标")
        {
            var negatives = new[] { (mid, MidLabel), (year, YearLabel) }
                .Where(t => t.Item1.Direction == Direction.Negative && !t.Item1.IsPercent && t.Item1.Value is not null)
                .Select(t => $"{t.Item2}“{t.Item1.Text}”")
                .ToList();
            if (negatives.Count > 0)
            {
                yield return (NegativeOutputCount, Severity.Warning,
                    $"数量指标用“≤”“<”限定上限（{string.Join("，", negatives)}）：产出数量越多越好，按反向指标评分时完成 0 也算达标；如为最低要求应改为“≥”");
            }
        }

        if (indicator.Category is IndicatorTree.Output or IndicatorTree.Effect && year.Form is TargetForm.QualitativeWord or TargetForm.Descriptive)
        {
            // Outputs are countable by nature (数量、质量、时效、成本), so a purely qualitative output target is a real gap.
            // Effects often cannot be counted within the year and the self-evaluation scores them in qualitative bands,
            // so there it is only a hint — though a bare 较高 gives the reviewer nothing to check against.
            yield return indicator.Category == IndicatorTree.Output
                ? (QualitativeOnly, Severity.Warning, $"产出指标只有定性的{YearLabel}“{year.Text}”：产出应可计量，宜改为带数值和单位的目标（如 ≥N个、≥95%、≤12月）")
                : (QualitativeOnly, Severity.Hint, $"效益指标只有定性的{YearLabel}“{year.Text}”：宜写明可核验的效果，能量化的改为量化目标");
        }

        if (indicator.Name == IndicatorTree.BudgetExecutionRate)
        {
            if (CheckMidYearExecutionRate(mid, funds) is { } mismatch)
                yield return (ExecutionRateMismatch, Severity.Error, mismatch);
            if (!(year.IsPercent && year.Value == 100m))
                yield return (YearEndExecutionRateNotFull, Severity.Hint, $"全年预算执行率目标“{year.Text}”不是 100%：年度预算原则上应全年执行完毕");
        }
    }

    /// <summary>
    /// A half-year target "above" the full-year one, for two targets with the same direction and unit.
    /// </summary>
    /// <remarks>
    /// Positive and <c>=</c> targets (both scored as "reach the value") are above when the half-year value is greater:
    /// the full-year target is then already reached at mid-year. For a negative target (≤, less is better) the value is
    /// a ceiling, and the half-year target is "above" when its ceiling is higher, i.e. looser than the full year's: for
    /// a cumulative amount (a cost, a count) meeting the half-year ceiling can already break the full-year one.
    /// Counts, amounts and durations accumulate from the start of the year, so either case contradicts the table: an error.
    /// Rates (%) do not accumulate and can move either way during the year, so there it is a warning.
    /// </remarks>
    private static IEnumerable<(string Check, Severity Severity, string Message)> CompareHalfYearWithFullYear(Target mid, Target year)
    {
        if (mid.Value is not { } m || year.Value is not { } y || mid.Unit.Length == 0 || year.Unit.Length == 0)
            yield break;
        if (TargetNotation.Normalize(mid.Unit) != TargetNotation.Normalize(year.Unit))
        {
            yield return (HalfYearUnitDiffers, Severity.Warning, $"{MidLabel}“{mid.Text}”与{YearLabel}“{year.Text}”的单位不同（{mid.Unit} / {year.Unit}）：半年与全年应使用同一计量单位");
            yield break;
        }
        if (m <= y)
            yield break;
        var severity = year.IsPercent ? Severity.Warning : Severity.Error;
        if (IsReach(mid.Direction) && IsReach(year.Direction))
            yield return (HalfYearAboveFullYear, severity, $"{MidLabel}“{mid.Text}”高于{YearLabel}“{year.Text}”：半年目标不应超过全年目标");
        else if (mid.Direction == Direction.Negative && year.Direction == Direction.Negative)
            yield return (HalfYearAboveFullYear, severity, $"{MidLabel}“{mid.Text}”的上限高于{YearLabel}“{year.Text}”：反向指标的半年目标比全年目标更宽松");
    }

    /// <summary>
    /// The half-year 预算执行率 target should be 半年计划执行数 / 全年预算数. Tables write it rounded (5.93% as <c>=6%</c>),
    /// so the two agree when they differ by at most half a unit of the target's last written digit.
    /// </summary>
    private static string? CheckMidYearExecutionRate(Target mid, Funds funds)
    {
        if (!mid.IsPercent || mid.Value is not { } target || funds.MidYearPlannedSpend is not { } planned || funds.AnnualBudget <= 0)
            return null;
        var rate = planned / funds.AnnualBudget * 100m;
        var halfDigit = 0.5m / Pow10(target.Scale);
        if (Math.Abs(rate - target) <= halfDigit)
            return null;
        var expected = Math.Round(rate, target.Scale, MidpointRounding.AwayFromZero);
        return $"{MidLabel}“{mid.Text}”与半年计划执行数 / 全年预算数 = {Amount(planned)} / {Amount(funds.AnnualBudget)} = {Math.Round(rate, 2).ToString("0.##", CultureInfo.InvariantCulture)}% 不符：按目标的精度应为 {expected.ToString(CultureInfo.InvariantCulture)}%";
    }

    private const string MidLabel = "半年指标值";
    private const string YearLabel = "全年指标值";

    private static bool IsZeroPositive(Target t) =>
        t.Direction == Direction.Positive && t.Comparison == "≥" && t.Value == 0m && t.Form != TargetForm.TimeProgress;

    private static bool IsReach(Direction d) => d is Direction.Positive or Direction.Equal;

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
            result *= 10m;
        return result;
    }

    private static string Amount(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
