using System.Text;

namespace BudgetEvaluation.Core.Import;

/// <summary>A column of the flat target-table form (docs/flat-format.md).</summary>
internal enum FlatColumn
{
    Year,
    Department,
    Name,
    Category,
    Subcategory,
    Indicator,
    MidYearTarget,
    YearEndTarget,
    Weight,
    Tolerance,
    Total,
    FiscalAppropriation,
    GeneralBudget,
    GovernmentFund,
    SpecialAccount,
    StateCapital,
    SocialSecurityFund,
    CarriedOver,
    Other,
    MidYearPlannedSpend,
    AnnualBudget,
    ImplementingUnit,
    ProjectType,
    GovernmentLevel,
    StartYear,
    EndYear,
    Contact,
    Necessity,
    Feasibility,
    Content,
    LongTermGoal,
    AnnualGoal,
}

/// <summary>What a column holds: part of the project key, one indicator's data, or a per-project value.</summary>
internal enum FlatColumnKind
{
    Key,
    Indicator,
    /// <summary>A project amount in 万元, repeated on each row of the project or given on one.</summary>
    ProjectAmount,
    /// <summary>A project header field or text, repeated on each row of the project or given on one.</summary>
    ProjectText,
}

internal sealed record FlatColumnSpec(FlatColumn Column, string Header, FlatColumnKind Kind, bool Required = false, params string[] Aliases);

/// <summary>The flat form's columns, in the order the writer puts them, and how headers are matched.</summary>
internal static class FlatColumns
{
    public static readonly IReadOnlyList<FlatColumnSpec> All =
    [
        new(FlatColumn.Year, "年度", FlatColumnKind.Key, Required: true),
        new(FlatColumn.Department, "主管部门", FlatColumnKind.Key, Required: true),
        new(FlatColumn.Name, "项目名称", FlatColumnKind.Key, Required: true),
        new(FlatColumn.Category, "一级指标", FlatColumnKind.Indicator),
        new(FlatColumn.Subcategory, "二级指标", FlatColumnKind.Indicator, Required: true),
        new(FlatColumn.Indicator, "三级指标", FlatColumnKind.Indicator, Required: true),
        new(FlatColumn.MidYearTarget, "半年指标值", FlatColumnKind.Indicator, Required: true),
        new(FlatColumn.YearEndTarget, "全年指标值", FlatColumnKind.Indicator, Required: true),
        new(FlatColumn.Weight, "分值", FlatColumnKind.Indicator),
        new(FlatColumn.Tolerance, "容差", FlatColumnKind.Indicator),
        new(FlatColumn.Total, "资金总额", FlatColumnKind.ProjectAmount),
        new(FlatColumn.FiscalAppropriation, "财政拨款", FlatColumnKind.ProjectAmount, false, "财政拨款小计"),
        new(FlatColumn.GeneralBudget, "一般公共预算资金", FlatColumnKind.ProjectAmount),
        new(FlatColumn.GovernmentFund, "政府性基金", FlatColumnKind.ProjectAmount),
        new(FlatColumn.SpecialAccount, "财政专户管理资金", FlatColumnKind.ProjectAmount),
        new(FlatColumn.StateCapital, "国有资本金", FlatColumnKind.ProjectAmount),
        new(FlatColumn.SocialSecurityFund, "社保基金", FlatColumnKind.ProjectAmount),
        new(FlatColumn.CarriedOver, "上年结转资金", FlatColumnKind.ProjectAmount),
        new(FlatColumn.Other, "其他资金", FlatColumnKind.ProjectAmount),
        new(FlatColumn.MidYearPlannedSpend, "半年计划执行数", FlatColumnKind.ProjectAmount),
        new(FlatColumn.AnnualBudget, "全年预算数", FlatColumnKind.ProjectAmount),
        new(FlatColumn.ImplementingUnit, "实施单位", FlatColumnKind.ProjectText),
        new(FlatColumn.ProjectType, "项目类型", FlatColumnKind.ProjectText),
        new(FlatColumn.GovernmentLevel, "项目级次", FlatColumnKind.ProjectText),
        new(FlatColumn.StartYear, "开始时间", FlatColumnKind.ProjectText),
        new(FlatColumn.EndYear, "完成时间", FlatColumnKind.ProjectText),
        new(FlatColumn.Contact, "项目负责人/联系电话", FlatColumnKind.ProjectText, false, "项目负责人"),
        new(FlatColumn.Necessity, "立项必要性", FlatColumnKind.ProjectText),
        new(FlatColumn.Feasibility, "实施可行性", FlatColumnKind.ProjectText),
        new(FlatColumn.Content, "项目实施内容", FlatColumnKind.ProjectText),
        new(FlatColumn.LongTermGoal, "中长期目标", FlatColumnKind.ProjectText),
        new(FlatColumn.AnnualGoal, "年度目标", FlatColumnKind.ProjectText),
    ];

    public static readonly int Count = All.Count;

    private static readonly Dictionary<string, FlatColumnSpec> ByHeader = BuildLookup();

    public static FlatColumnSpec Spec(FlatColumn column) => All[(int)column];

    /// <summary>The column a header cell names, or null for a column the form does not use (it is ignored).</summary>
    public static FlatColumnSpec? Match(string header) => ByHeader.GetValueOrDefault(NormalizeHeader(header));

    /// <summary>
    /// Reduces a header to its bare name: spaces and a required-marker <c>*</c> dropped, full-width brackets made half-width,
    /// and the official forms' <c>（程）</c> and a <c>（万元）</c> unit removed, so that <c>半年（程）指标值</c> and
    /// <c>全年(程) 预算数</c> match.
    /// </summary>
    public static string NormalizeHeader(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var ch in Targets.TargetNotation.Compatible(header))
        {
            if (char.IsWhiteSpace(ch) || ch is '\uFEFF' or '*')
                continue;
            sb.Append(ch);
        }
        return sb.ToString()
            .Replace("(程)", "", StringComparison.Ordinal)
            .Replace("(万元)", "", StringComparison.Ordinal);
    }

    private static Dictionary<string, FlatColumnSpec> BuildLookup()
    {
        var lookup = new Dictionary<string, FlatColumnSpec>(StringComparer.Ordinal);
        for (var i = 0; i < All.Count; i++)
        {
            // The enum and the table must agree: Spec(column) indexes the table by the enum's value.
            if ((int)All[i].Column != i)
                throw new InvalidOperationException($"FlatColumns.All[{i}] is {All[i].Column}");
            lookup[NormalizeHeader(All[i].Header)] = All[i];
            foreach (var alias in All[i].Aliases)
                lookup[NormalizeHeader(alias)] = All[i];
        }
        return lookup;
    }
}
