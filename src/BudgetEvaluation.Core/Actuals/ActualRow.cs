namespace BudgetEvaluation.Core.Actuals;

/// <summary>One row of an actuals file, as written (DOMAIN §7).</summary>
public sealed record ActualRow
{
    public required int Line { get; init; }
    public string Year { get; init; } = "";
    public string Department { get; init; } = "";
    public required string Project { get; init; }
    public string Category { get; init; } = "";
    public string Subcategory { get; init; } = "";
    public required string Indicator { get; init; }
    /// <summary>实际完成值 as written: <c>1700个</c>, <c>96.3%</c>, <c>部分达成 75%</c>, <c>130万元</c>.</summary>
    public required string Value { get; init; }
    /// <summary>偏差原因分析及改进措施.</summary>
    public string Deviation { get; init; } = "";
    /// <summary>Mid-year 偏差原因类型.</summary>
    public string DeviationType { get; init; } = "";
    /// <summary>Mid-year 完成目标可能性.</summary>
    public string Likelihood { get; init; } = "";

    /// <summary>A row from its cells by column name (CSV, XLSX and JSON forms share this mapping).</summary>
    public static ActualRow FromCells(int line, Func<string, string> cell) => new()
    {
        Line = line,
        Year = cell(ActualsColumns.Year),
        Department = cell(ActualsColumns.Department),
        Project = cell(ActualsColumns.Project),
        Category = cell(ActualsColumns.Category),
        Subcategory = cell(ActualsColumns.Subcategory),
        Indicator = cell(ActualsColumns.Indicator),
        Value = cell(ActualsColumns.Value),
        Deviation = cell(ActualsColumns.Deviation),
        DeviationType = cell(ActualsColumns.DeviationType),
        Likelihood = cell(ActualsColumns.Likelihood),
    };

    /// <summary>The spending row: 一级指标 项目资金, 三级指标 执行数.</summary>
    public bool IsSpending => Category.Replace(" ", "", StringComparison.Ordinal) == ActualsColumns.FundsCategory
        || (Category.Length == 0 && Indicator == ActualsColumns.SpendingIndicator);
}

/// <summary>Column names and fixed values of actuals files and templates.</summary>
public static class ActualsColumns
{
    public const string Year = "年度";
    public const string Department = "主管部门";
    public const string Project = "项目名称";
    public const string Category = "一级指标";
    public const string Subcategory = "二级指标";
    public const string Indicator = "三级指标";
    public const string Value = "实际完成值";
    public const string Deviation = "偏差原因分析及改进措施";
    public const string DeviationType = "偏差原因类型";
    public const string Likelihood = "完成目标可能性";
    /// <summary>The template's read-only target columns; actuals files may carry them and they are ignored.</summary>
    public const string MidYearTarget = "半年指标值";
    public const string YearEndTarget = "全年指标值";

    public const string FundsCategory = "项目资金";
    public const string SpendingIndicator = "执行数";

    public static readonly IReadOnlyList<string> DeviationTypes = ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"];
    public static readonly IReadOnlyList<string> Likelihoods = ["确定能", "有可能", "完全不可能"];

    public static readonly IReadOnlyList<string> Required = [Project, Indicator, Value];
}
