using BudgetEvaluation.Core.Scoring;

namespace BudgetEvaluation.Core.Reports;

/// <summary>One supervising department's totals on the summary page.</summary>
/// <param name="AverageScore">Year-end: the mean 总分 of its projects; null at mid-year.</param>
/// <param name="Spent">Reported spending; projects that did not report count as 0.</param>
public sealed record DepartmentTotals(
    string Department,
    int Projects,
    double? AverageScore,
    double AnnualBudget,
    double Spent,
    int Green,
    int Yellow,
    int Red)
{
    public double? ExecutionRate => AnnualBudget > 0 ? Spent / AnnualBudget : null;
}

/// <summary>The summary page's counts and totals, shared by the HTML and XLSX reports.</summary>
public static class ReportSummary
{
    /// <summary>The national grades, always listed (with 0 when none), followed by any other grade a scheme uses.</summary>
    private static readonly string[] NationalGrades = ["优", "良", "中", "差"];

    public static List<(string Grade, int Count)> GradeCounts(IReadOnlyList<ProjectEvaluation> evaluations)
    {
        var grades = NationalGrades.Concat(evaluations.Select(e => e.Grade ?? "").Where(g => g.Length > 0)).Distinct();
        return grades.Select(g => (g, evaluations.Count(e => e.Grade == g))).ToList();
    }

    public static (int Green, int Yellow, int Red) WarningCounts(IEnumerable<string?> warnings)
    {
        var list = warnings.ToList();
        return (list.Count(w => w == Warnings.Green), list.Count(w => w == Warnings.Yellow), list.Count(w => w == Warnings.Red));
    }

    /// <summary>Totals per 主管部门, in the order the departments first appear.</summary>
    public static List<DepartmentTotals> ByDepartment(IReadOnlyList<ProjectEvaluation> evaluations) =>
        evaluations
            .GroupBy(e => e.Department)
            .Select(g =>
            {
                var scores = g.Where(e => e.TotalScore is not null).Select(e => e.TotalScore!.Value).ToList();
                var (green, yellow, red) = WarningCounts(g.Select(e => e.Warning));
                return new DepartmentTotals(
                    g.Key,
                    g.Count(),
                    scores.Count > 0 ? scores.Average() : null,
                    g.Sum(e => e.Funds.AnnualBudget),
                    g.Sum(e => e.Funds.Spent ?? 0),
                    green,
                    yellow,
                    red);
            })
            .ToList();
}
