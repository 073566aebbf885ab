namespace BudgetEvaluation.Core.Targets;

/// <summary>One project's approved performance target table (项目支出绩效目标表) for one fiscal year.</summary>
public sealed record TargetTable(Project Project, IReadOnlyList<Indicator> Indicators);

/// <summary>The table's header, texts and funds.</summary>
public sealed record Project
{
    public required int Year { get; init; }
    public required string Name { get; init; }
    public required string Department { get; init; }
    public string ImplementingUnit { get; init; } = "";
    public string ProjectType { get; init; } = "";
    public string GovernmentLevel { get; init; } = "";
    public string StartYear { get; init; } = "";
    public string EndYear { get; init; } = "";
    /// <summary>项目负责人/联系电话.</summary>
    public string Contact { get; init; } = "";
    /// <summary>立项必要性.</summary>
    public string Necessity { get; init; } = "";
    /// <summary>实施可行性.</summary>
    public string Feasibility { get; init; } = "";
    /// <summary>项目实施内容.</summary>
    public string Content { get; init; } = "";
    public string LongTermGoal { get; init; } = "";
    public string AnnualGoal { get; init; } = "";
    public required Funds Funds { get; init; }
}

/// <summary>项目资金, in 万元. A blank cell in the table is null, a written 0 is 0.</summary>
public sealed record Funds
{
    /// <summary>资金总额.</summary>
    public decimal? Total { get; init; }
    /// <summary>财政拨款 小计.</summary>
    public decimal? FiscalAppropriation { get; init; }
    /// <summary>一般公共预算资金.</summary>
    public decimal? GeneralBudget { get; init; }
    /// <summary>政府性基金.</summary>
    public decimal? GovernmentFund { get; init; }
    /// <summary>财政专户管理资金.</summary>
    public decimal? SpecialAccount { get; init; }
    /// <summary>国有资本金.</summary>
    public decimal? StateCapital { get; init; }
    /// <summary>社保基金.</summary>
    public decimal? SocialSecurityFund { get; init; }
    /// <summary>上年结转资金.</summary>
    public decimal? CarriedOver { get; init; }
    /// <summary>其他资金.</summary>
    public decimal? Other { get; init; }
    /// <summary>半年（程）计划执行数.</summary>
    public decimal? MidYearPlannedSpend { get; init; }
    /// <summary>全年（程）预算数. When the spending row has no such cell the importer takes 资金总额.</summary>
    public required decimal AnnualBudget { get; init; }
}

/// <summary>A 三级 indicator with its half-year and full-year targets.</summary>
/// <param name="Weight">分值 set explicitly for this indicator; null lets the scoring scheme share out its category's points.</param>
/// <param name="Tolerance">
/// Set only for true point targets (an area of <c>=2517.03平方米</c>): an <c>=</c> target is then met within this tolerance
/// and a miss either way scores points × min(a/t, t/a). Null reads <c>=</c> as "reach the value".
/// </param>
public sealed record Indicator(
    string Category,
    string Subcategory,
    string Name,
    Target MidYearTarget,
    Target YearEndTarget,
    decimal? Weight = null,
    decimal? Tolerance = null)
{
    /// <summary>The rule name: 一级/二级/三级.</summary>
    public string Path => $"{Category}/{Subcategory}/{Name}";

    public Target TargetFor(Period period) => period == Period.MidYear ? MidYearTarget : YearEndTarget;
}

/// <summary>The two reviews of a fiscal year.</summary>
public enum Period
{
    /// <summary>绩效运行监控 (half-year targets).</summary>
    MidYear,
    /// <summary>绩效自评 (full-year targets).</summary>
    YearEnd,
}

public static class PeriodNames
{
    public static string Code(this Period period) => period == Period.MidYear ? "mid-year" : "year-end";

    public static string Chinese(this Period period) => period == Period.MidYear ? "绩效运行监控" : "绩效自评";

    public static bool TryParse(string? text, out Period period)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "mid-year" or "midyear" or "半年" or "绩效运行监控":
                period = Period.MidYear;
                return true;
            case "year-end" or "yearend" or "全年" or "绩效自评":
                period = Period.YearEnd;
                return true;
            default:
                period = default;
                return false;
        }
    }
}
