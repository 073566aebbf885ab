using BudgetEvaluation.Core.Scoring;

namespace BudgetEvaluation.Web.Dashboard;

/// <summary>A score band of the distribution chart: <see cref="Min"/> inclusive, <see cref="Max"/> exclusive (the top band includes 100).</summary>
public sealed record ScoreBand(string Label, double Min, double Max, int Count, string Css);

/// <summary>Points a category could give and the points its indicators lost, over the projects shown.</summary>
public sealed record CategoryLoss(string Category, double Points, double Lost);

/// <summary>Mid-year: how many indicators of a category are green, yellow and red.</summary>
public sealed record CategoryWarnings(string Category, int Green, int Yellow, int Red);

/// <summary>One department's line of the dashboard.</summary>
public sealed record DepartmentLine(string Department, int Projects, int Evaluated, double? AverageScore, IReadOnlyDictionary<string, int> Levels, double AnnualBudget, double Spent)
{
    public double? ExecutionRate => AnnualBudget > 0 ? Spent / AnnualBudget : null;
}

/// <summary>The dashboard's counts and chart data, from the evaluations alone.</summary>
public static class Figures
{
    /// <summary>The category of 预算执行率 when the scheme scores it apart from the indicators (项目资金).</summary>
    public const string BudgetExecution = "预算执行率";

    /// <summary>
    /// Score bands at the national grade limits (差 below 60, 中 60–80, 良 80–90, 优 from 90), with 中 split at 70
    /// so that the wide middle band shows where its projects lie.
    /// </summary>
    public static IReadOnlyList<ScoreBand> ScoreBands(IEnumerable<ProjectEvaluation> evaluations)
    {
        var scores = evaluations.Where(e => e.TotalScore is not null).Select(e => e.TotalScore!.Value).ToList();
        (string Label, double Min, double Max, string Css)[] bands =
        [
            ("60分以下", double.NegativeInfinity, 60, "lv-poor"),
            ("60–70分", 60, 70, "lv-fair"),
            ("70–80分", 70, 80, "lv-fair"),
            ("80–90分", 80, 90, "lv-good"),
            ("90分及以上", 90, double.PositiveInfinity, "lv-excellent"),
        ];
        return bands.Select(b => new ScoreBand(b.Label, b.Min, b.Max, scores.Count(s => s >= b.Min && s < b.Max), b.Css)).ToList();
    }

    /// <summary>Year-end: points lost per 一级 category (and 预算执行率 when scored apart), in the tables' order.</summary>
    public static IReadOnlyList<CategoryLoss> LossByCategory(IEnumerable<ProjectEvaluation> evaluations)
    {
        var totals = new Dictionary<string, (double Points, double Lost)>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(string category, double points, double score)
        {
            if (!totals.TryGetValue(category, out var t))
                order.Add(category);
            totals[category] = (t.Points + points, t.Lost + Math.Max(0, points - score));
        }
        foreach (var e in evaluations)
        {
            if (e.Funds.Weight > 0)
                Add(BudgetExecution, e.Funds.Weight, e.Funds.Score);
            foreach (var indicator in e.Indicators.Where(i => i.Weight > 0))
                Add(indicator.Category, indicator.Weight, indicator.Score);
        }
        return order.Select(c => new CategoryLoss(c, totals[c].Points, totals[c].Lost)).ToList();
    }

    /// <summary>Mid-year: indicator warnings per 一级 category, with the funds warning as 预算执行率.</summary>
    public static IReadOnlyList<CategoryWarnings> WarningsByCategory(IEnumerable<ProjectEvaluation> evaluations)
    {
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(string category, string? warning)
        {
            var index = warning switch { Warnings.Green => 0, Warnings.Yellow => 1, Warnings.Red => 2, _ => -1 };
            if (index < 0)
                return;
            if (!counts.TryGetValue(category, out var c))
            {
                counts[category] = c = new int[3];
                order.Add(category);
            }
            c[index]++;
        }
        foreach (var e in evaluations)
        {
            Add(BudgetExecution, e.Funds.Warning);
            foreach (var indicator in e.Indicators)
                Add(indicator.Category, indicator.Warning);
        }
        return order.Select(c => new CategoryWarnings(c, counts[c][0], counts[c][1], counts[c][2])).ToList();
    }

    /// <summary>Per department, in name order: projects, how many have a result, the mean score and the count per level.</summary>
    public static IReadOnlyList<DepartmentLine> ByDepartment(IEnumerable<ProjectRow> rows) =>
        rows.GroupBy(r => r.Project.Department, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var evaluated = g.Where(r => r.Evaluation is not null).Select(r => r.Evaluation!).ToList();
                var scores = evaluated.Where(e => e.TotalScore is not null).Select(e => e.TotalScore!.Value).ToList();
                return new DepartmentLine(
                    g.Key,
                    g.Count(),
                    evaluated.Count,
                    scores.Count > 0 ? scores.Average() : null,
                    g.GroupBy(r => r.Level, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Count(), StringComparer.Ordinal),
                    evaluated.Sum(e => e.Funds.AnnualBudget),
                    evaluated.Sum(e => e.Funds.Spent ?? 0));
            })
            .ToList();
}
