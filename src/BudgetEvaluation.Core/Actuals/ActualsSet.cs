using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Actuals;

/// <summary>One indicator's reported actual, parsed against its target.</summary>
public sealed record ReportedActual(string Text, ActualInput Input, string Deviation, string DeviationType, string Likelihood, int Line);

/// <summary>A project's actuals for one period.</summary>
public sealed class ProjectActuals
{
    public Dictionary<string, ReportedActual> Indicators { get; } = new(StringComparer.Ordinal);
    /// <summary>执行数 in 万元, or null when the spending row is missing.</summary>
    public double? Spent { get; set; }
    public string SpentText { get; set; } = "";
}

/// <summary>
/// Actuals matched to the rules' projects and indicators and checked against their targets.
/// Every problem is collected; a set with errors must not be scored.
/// </summary>
public sealed class ActualsSet
{
    private readonly Dictionary<RulesProject, ProjectActuals> _byProject = new(ReferenceEqualityComparer.Instance);

    public List<ImportError> Errors { get; } = [];

    public ProjectActuals For(RulesProject project) =>
        _byProject.TryGetValue(project, out var actuals) ? actuals : new ProjectActuals();

    public static ActualsSet Match(IEnumerable<ActualRow> rows, IReadOnlyList<RulesProject> projects, Period period, string fileName)
    {
        var set = new ActualsSet();
        var byName = projects.ToLookup(p => p.Project.Name, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var project = FindProject(row, byName, projects, fileName, set.Errors);
            if (project is null)
                continue;
            if (!set._byProject.TryGetValue(project, out var actuals))
                set._byProject[project] = actuals = new ProjectActuals();
            if (row.IsSpending)
            {
                AcceptSpending(row, actuals, project, fileName, set.Errors);
                continue;
            }
            AcceptIndicator(row, actuals, project, period, fileName, set.Errors);
        }
        return set;
    }

    private static void AcceptSpending(ActualRow row, ProjectActuals actuals, RulesProject project, string fileName, List<ImportError> errors)
    {
        if (row.Value.Length == 0)
            return;
        if (actuals.SpentText.Length > 0)
        {
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Value, $"项目“{project.Project.Name}”的执行数重复填报"));
            return;
        }
        if (!ActualValue.TryAmount(row.Value, out var amount))
        {
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Value, $"项目“{project.Project.Name}”执行数“{row.Value}”应为金额（万元），如“130”或“130万元”"));
            return;
        }
        actuals.Spent = amount;
        actuals.SpentText = row.Value;
    }

    private static void AcceptIndicator(ActualRow row, ProjectActuals actuals, RulesProject project, Period period, string fileName, List<ImportError> errors)
    {
        var candidates = project.Table.Indicators.Where(i => i.Name == row.Indicator.Trim()).ToList();
        if (row.Subcategory.Length > 0 && candidates.Count > 1)
            candidates = candidates.Where(i => i.Subcategory == row.Subcategory.Trim()).ToList();
        if (candidates.Count != 1)
        {
            var names = project.Table.Indicators.Select(i => i.Name).ToList();
            var message = candidates.Count == 0
                ? $"项目“{project.Project.Name}”没有三级指标“{row.Indicator}”；最接近的是：{string.Join("、", Closest(row.Indicator, names).Select(n => $"“{n}”"))}"
                : $"项目“{project.Project.Name}”有多个三级指标“{row.Indicator}”：请填写二级指标以区分";
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Indicator, message));
            return;
        }
        var indicator = candidates[0];
        if (actuals.Indicators.ContainsKey(indicator.Path))
        {
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Indicator, $"项目“{project.Project.Name}”的指标“{indicator.Name}”重复填报"));
            return;
        }
        if (row.DeviationType.Length > 0 && !ActualsColumns.DeviationTypes.Contains(row.DeviationType))
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.DeviationType, $"偏差原因类型“{row.DeviationType}”应为：{string.Join("、", ActualsColumns.DeviationTypes)}"));
        if (row.Likelihood.Length > 0 && !ActualsColumns.Likelihoods.Contains(row.Likelihood))
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Likelihood, $"完成目标可能性“{row.Likelihood}”应为：{string.Join("、", ActualsColumns.Likelihoods)}"));
        if (row.Value.Length == 0)
            return; // left blank in the template: 未填报
        var target = indicator.TargetFor(period);
        var input = ActualValue.TryParse(row.Value, target, project.Bands(period, indicator.Path), out var error);
        if (input is null)
        {
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Value, $"项目“{project.Project.Name}”指标“{indicator.Name}”：{error}"));
            return;
        }
        actuals.Indicators[indicator.Path] = new ReportedActual(row.Value, input, row.Deviation, row.DeviationType, row.Likelihood, row.Line);
    }

    private static RulesProject? FindProject(ActualRow row, ILookup<string, RulesProject> byName, IReadOnlyList<RulesProject> projects, string fileName, List<ImportError> errors)
    {
        var name = row.Project.Trim();
        var matches = byName[name].ToList();
        if (row.Department.Length > 0)
            matches = matches.Where(p => p.Project.Department == row.Department.Trim()).ToList();
        if (row.Year.Length > 0)
            matches = matches.Where(p => p.Project.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) == row.Year.Trim().TrimEnd('年')).ToList();
        if (matches.Count == 1)
            return matches[0];
        var message = matches.Count == 0
            ? $"没有名为“{row.Project}”的项目{(row.Department.Length > 0 ? $"（主管部门“{row.Department}”）" : "")}；最接近的是：{string.Join("、", Closest(name, projects.Select(p => p.Project.Name).Distinct()).Select(n => $"“{n}”"))}"
            : $"项目名称“{row.Project}”对应多个项目（{string.Join("、", matches.Select(p => $"{p.Project.Year} {p.Project.Department}"))}）：请填写主管部门和年度";
        errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Project, message));
        return null;
    }

    /// <summary>The three names nearest by edit distance, to suggest in an error.</summary>
    public static IEnumerable<string> Closest(string text, IEnumerable<string> names) =>
        names.OrderBy(n => Distance(text, n)).ThenBy(n => n, StringComparer.Ordinal).Take(3);

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
