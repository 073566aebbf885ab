using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Scoring;

/// <summary>Small made-up target tables for cases the seed does not hold (a "=0" target, explicit weights, empty categories).</summary>
internal static class Synthetic
{
    public const string Department = "测试局";

    public static TargetTable Table(params (string Category, string Subcategory, string Name, string MidYear, string YearEnd, decimal? Weight)[] rows) =>
        Table("合成项目", rows);

    public static TargetTable Table(string name, IEnumerable<(string Category, string Subcategory, string Name, string MidYear, string YearEnd, decimal? Weight)> rows)
    {
        var indicators = rows.Select(r => new Indicator(
            r.Category,
            r.Subcategory,
            r.Name,
            TargetNotation.Parse(r.MidYear, r.Name),
            TargetNotation.Parse(r.YearEnd, r.Name),
            r.Weight)).ToList();
        var project = new Project
        {
            Year = 2026,
            Name = name,
            Department = Department,
            Funds = new Funds { Total = 100, AnnualBudget = 100, MidYearPlannedSpend = 40 },
        };
        return new TargetTable(project, indicators);
    }
}
