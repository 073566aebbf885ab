using System.Text.Json.Serialization;

namespace BudgetEvaluation.Core.Scoring;

/// <summary>
/// One project's evaluation for one period: the 项目支出绩效自评表 (year-end) or 绩效运行监控表 (mid-year).
/// Numbers keep full precision; reports round them for display only.
/// </summary>
public sealed record ProjectEvaluation
{
    public required string Project { get; init; }
    public required string Department { get; init; }
    public required int Year { get; init; }
    /// <summary><c>mid-year</c> or <c>year-end</c>.</summary>
    public required string Period { get; init; }
    public string ImplementingUnit { get; init; } = "";
    /// <summary>The review date (as-of), ISO yyyy-MM-dd.</summary>
    public required string AsOf { get; init; }
    public required string Scheme { get; init; }
    /// <summary>Year-end: the total out of 100.</summary>
    public double? TotalScore { get; init; }
    /// <summary>Year-end: 优, 良, 中 or 差.</summary>
    public string? Grade { get; init; }
    /// <summary>Mid-year: green, yellow or red (the worst of the indicators and spending).</summary>
    public string? Warning { get; init; }
    public required FundsResult Funds { get; init; }
    public required IReadOnlyList<IndicatorResult> Indicators { get; init; }
    /// <summary>Indicators without an actual (未填报), as 一级/二级/三级 paths.</summary>
    public required IReadOnlyList<string> Missing { get; init; }
    /// <summary>年度总体目标 (预期目标) from the target table.</summary>
    public string AnnualGoal { get; init; } = "";
    /// <summary>The department's 实际完成情况 text for the overall goal, if reported.</summary>
    public string GoalAchievement { get; init; } = "";
}

/// <summary>项目资金: budget, spending and the execution-rate score (year-end) or warning (mid-year).</summary>
public sealed record FundsResult
{
    /// <summary>全年预算数, 万元.</summary>
    public required double AnnualBudget { get; init; }
    /// <summary>资金总额 (年初预算数), 万元.</summary>
    public double? Total { get; init; }
    public double? FiscalAppropriation { get; init; }
    public double? CarriedOver { get; init; }
    public double? Other { get; init; }
    /// <summary>全年执行数 (year-end) or 1-6月执行数 (mid-year), 万元; null when not reported.</summary>
    public double? Spent { get; init; }
    /// <summary>Spent / AnnualBudget, 0..n (not capped; the score caps it).</summary>
    public double? ExecutionRate { get; init; }
    /// <summary>分值 of 预算执行率 under the scheme (0 when the scheme scores it inside 过程).</summary>
    public double Weight { get; init; }
    public double Score { get; init; }
    /// <summary>Mid-year: 半年计划执行数 / 全年预算数.</summary>
    public double? PlannedRate { get; init; }
    public double? MidYearPlannedSpend { get; init; }
    /// <summary>Mid-year: green, yellow or red.</summary>
    public string? Warning { get; init; }
    public string Explanation { get; init; } = "";
}

/// <summary>One 三级 indicator's row in the evaluation.</summary>
public sealed record IndicatorResult
{
    public required string Category { get; init; }
    public required string Subcategory { get; init; }
    public required string Indicator { get; init; }
    /// <summary>This period's target, verbatim.</summary>
    public required string Target { get; init; }
    /// <summary>The reported actual as written, or null when missing.</summary>
    public string? Actual { get; init; }
    public required double Weight { get; init; }
    public required double Score { get; init; }
    /// <summary><c>met</c>, <c>partly</c>, <c>missed</c> or <c>missing</c>.</summary>
    public required string Status { get; init; }
    /// <summary>Mid-year: green, yellow or red.</summary>
    public string? Warning { get; init; }
    /// <summary>Mid-year: share of this period's target reached (1 = reached), from the rule's action.</summary>
    public double? Completion { get; init; }
    /// <summary>Mid-year: linear full-year forecast for cumulative quantities (actual ÷ 序时进度).</summary>
    public double? Forecast { get; init; }
    /// <summary>Mid-year: the full-year target the forecast compares with.</summary>
    public string? YearEndTarget { get; init; }
    /// <summary>The formula with its numbers, in Chinese.</summary>
    public required string Explanation { get; init; }
    /// <summary>偏差原因分析及改进措施, the department's text.</summary>
    public string? Deviation { get; init; }
    /// <summary>Mid-year 偏差原因类型 (经费保障 / 制度保障 / 人员保障 / 硬件条件保障 / 其他).</summary>
    public string? DeviationType { get; init; }
    /// <summary>Mid-year 完成目标可能性 (确定能 / 有可能 / 完全不可能).</summary>
    public string? Likelihood { get; init; }
    /// <summary>Findings that do not change the score: over-achievement needing a 偏差原因, over-run of the half-year target.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
}

public static class Statuses
{
    public const string Met = "met";
    public const string Partly = "partly";
    public const string Missed = "missed";
    public const string Missing = "missing";

    public static string Chinese(string status) => status switch
    {
        Met => "达成",
        Partly => "部分达成",
        Missed => "未达成",
        _ => "未填报",
    };
}

public static class Warnings
{
    public const string Green = "green";
    public const string Yellow = "yellow";
    public const string Red = "red";

    public static string Chinese(string? warning) => warning switch
    {
        Green => "绿色（正常）",
        Yellow => "黄色（滞后）",
        Red => "红色（严重滞后）",
        _ => "",
    };

    /// <summary>The more severe of two warnings.</summary>
    public static string Worst(string a, string b) => Rank(a) >= Rank(b) ? a : b;

    private static int Rank(string w) => w switch { Red => 2, Yellow => 1, _ => 0 };
}
