using System.Globalization;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Reports;

/// <summary>
/// Display forms shared by the HTML and XLSX reports. Evaluations keep full precision; only these strings round
/// (scores and amounts to 2 decimals, percents to 1–2).
/// </summary>
public static class ReportFormat
{
    /// <summary>Shown for a cell the table has no value for (a part not scored, a breakdown not known).</summary>
    public const string None = "—";

    /// <summary>Shown for an actual the department did not report.</summary>
    public const string NotReported = "未填报";

    public static string Score(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>An amount in 万元, or — when unknown.</summary>
    public static string Amount(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : None;

    /// <summary>A ratio (1 = 100%) as a percent with one or two decimals, or — when unknown.</summary>
    public static string Percent(double? ratio) =>
        ratio is { } r ? (r * 100).ToString("0.0#", CultureInfo.InvariantCulture) + "%" : None;

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The excel number format matching <see cref="Percent"/>.</summary>
    public const string PercentFormat = "0.0#%";

    public const string ScoreFormat = "0.00";

    /// <summary>A warning's word, short enough for a table cell.</summary>
    public static string WarningWord(string? warning) => warning switch
    {
        Warnings.Green => "绿",
        Warnings.Yellow => "黄",
        Warnings.Red => "红",
        _ => "",
    };

    /// <summary>
    /// A symbol per warning so that the level reads in black-and-white print: a circle, a triangle, a square
    /// differ in shape, not only in colour.
    /// </summary>
    public static string WarningSymbol(string? warning) => warning switch
    {
        Warnings.Green => "●",
        Warnings.Yellow => "▲",
        Warnings.Red => "■",
        _ => "",
    };

    /// <summary>Symbol and word, e.g. <c>■ 红</c>; empty when there is no warning.</summary>
    public static string WarningLabel(string? warning) =>
        warning is Warnings.Green or Warnings.Yellow or Warnings.Red ? $"{WarningSymbol(warning)} {WarningWord(warning)}" : "";

    /// <summary>The months a mid-year review covers, e.g. <c>1-6月</c> for a review on 30 June.</summary>
    public static string MonthsCovered(string asOf) =>
        DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? $"1-{date.Month}月"
            : "1-6月";

    /// <summary>The table's title for a period.</summary>
    public static string TableTitle(Period period) => period == Period.MidYear ? "项目支出绩效运行监控表" : "项目支出绩效自评表";

    public static Period PeriodOf(ProjectEvaluation evaluation) =>
        PeriodNames.TryParse(evaluation.Period, out var period) ? period : Period.YearEnd;

    /// <summary>Total 分值 of a project: 预算执行率's points plus every indicator's.</summary>
    public static double TotalWeight(ProjectEvaluation evaluation) =>
        evaluation.Funds.Weight + evaluation.Indicators.Sum(i => i.Weight);
}
