using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Actuals;

/// <summary>One indicator's reported actual, parsed against its target.</summary>
public sealed record ReportedActual(string Text, ActualInput Input, string Deviation, string DeviationType, string Likelihood, int Line);

/// <summary>偏差原因 and the mid-year choices written on a row whose 实际完成值 is blank.</summary>
public sealed record IndicatorNote(string Deviation, string DeviationType, string Likelihood, int Line);

/// <summary>A row of the file matched to its project and to an indicator path (<c>项目资金/执行数</c> for spending).</summary>
public sealed record MatchedRow(ActualRow Row, RulesProject Project, string IndicatorPath);

/// <summary>A project's actuals for one period.</summary>
public sealed class ProjectActuals
{
    public Dictionary<string, ReportedActual> Indicators { get; } = new(StringComparer.Ordinal);
    /// <summary>
    /// Explanations on rows without an actual, by indicator path. 预算执行率 is computed from the spending row, so its
    /// 偏差原因 arrives this way (on its own row, or on the spending row).
    /// </summary>
    public Dictionary<string, IndicatorNote> Notes { get; } = new(StringComparer.Ordinal);
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

    /// <summary>
    /// Every row that found its project and indicator (blank values included), in file order: what a store keeps of
    /// an accepted file. A row whose value is wrong is here too, but then <see cref="Errors"/> is not empty.
    /// </summary>
    public List<MatchedRow> Rows { get; } = [];

    /// <summary>The indicator path a spending row is kept under.</summary>
    public const string SpendingPath = ActualsColumns.FundsCategory + "/" + ActualsColumns.SpendingIndicator;

    /// <summary>
    /// The 一级指标, 二级指标 and 三级指标 a row gives for a stored indicator path, as the current rules spell them:
    /// 项目资金/执行数 for the spending row, else the names of <paramref name="indicator"/> (the rules' indicator of that
    /// path); null when the rules no longer have it.
    /// </summary>
    public static (string Category, string Subcategory, string Indicator)? RowNames(string path, Indicator? indicator) =>
        path == SpendingPath ? (ActualsColumns.FundsCategory, "", ActualsColumns.SpendingIndicator)
        : indicator is null ? null
        : (indicator.Category, indicator.Subcategory, indicator.Name);

    public ProjectActuals For(RulesProject project) =>
        _byProject.TryGetValue(project, out var actuals) ? actuals : new ProjectActuals();

    public static ActualsSet Match(IEnumerable<ActualRow> rows, IReadOnlyList<RulesProject> projects, Period period, string fileName)
    {
        var set = new ActualsSet();
        // Name keys by name: a file repeats its departments, projects and indicator names on every row, and a key
        // costs a Unicode normalization.
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        string Key(string name)
        {
            if (!keys.TryGetValue(name, out var key))
                keys[name] = key = NameKey(name);
            return key;
        }
        var byName = projects.ToLookup(p => Key(p.Project.Name), StringComparer.Ordinal);
        // First line of each project's spending row and each indicator's row, blank or not, to name duplicates.
        var seen = new Dictionary<RulesProject, Dictionary<string, int>>(ReferenceEqualityComparer.Instance);
        // Each project's indicators by name key, built on its first row: comparing every row with every indicator's
        // key recomputed was most of matching a province's rows.
        var indicatorsByName = new Dictionary<RulesProject, ILookup<string, Indicator>>(ReferenceEqualityComparer.Instance);
        foreach (var row in rows)
        {
            if (set.Errors.Count >= InputLimits.MaxErrors)
            {
                set.Errors.Add(InputLimits.TooManyErrors(fileName, row.Line));
                break;
            }
            var project = FindProject(row, byName, Key, projects, fileName, set.Errors);
            if (project is null)
                continue;
            Indicator? indicator = null;
            if (!row.IsSpending)
            {
                if (!indicatorsByName.TryGetValue(project, out var byIndicatorName))
                    indicatorsByName[project] = byIndicatorName = project.Table.Indicators.ToLookup(i => Key(i.Name), StringComparer.Ordinal);
                indicator = FindIndicator(row, project, byIndicatorName, Key, fileName, set.Errors);
                if (indicator is null)
                    continue;
            }
            set.Accept(row, project, indicator, period, fileName, seen);
        }
        return set;
    }

    /// <summary>
    /// Rows already matched, as a run reads an accepted upload back: each comes with its project and indicator (null:
    /// the spending row), so no name is looked up again; only the values are checked against the current targets, with
    /// the errors, duplicates and notes of <see cref="Match"/>. The row's names are not read.
    /// </summary>
    public static ActualsSet FromMatched(IEnumerable<(RulesProject Project, Indicator? Indicator, ActualRow Row)> rows, Period period, string fileName)
    {
        var set = new ActualsSet();
        var seen = new Dictionary<RulesProject, Dictionary<string, int>>(ReferenceEqualityComparer.Instance);
        foreach (var (project, indicator, row) in rows)
            set.Accept(row, project, indicator, period, fileName, seen);
        return set;
    }

    /// <summary>A row matched to its project and indicator (null: the spending row): refused as a duplicate, or kept and its value checked.</summary>
    private void Accept(ActualRow row, RulesProject project, Indicator? indicator, Period period, string fileName, Dictionary<RulesProject, Dictionary<string, int>> seen)
    {
        if (!_byProject.TryGetValue(project, out var actuals))
            _byProject[project] = actuals = new ProjectActuals();
        if (indicator is null)
        {
            if (IsDuplicate(row, project, ActualsColumns.SpendingIndicator, $"项目“{project.Project.Name}”的执行数", seen, fileName, Errors))
                return;
            Rows.Add(new MatchedRow(row, project, SpendingPath));
            AcceptSpending(row, actuals, project, fileName, Errors);
            return;
        }
        if (IsDuplicate(row, project, indicator.Path, $"项目“{project.Project.Name}”的指标“{indicator.Name}”", seen, fileName, Errors))
            return;
        Rows.Add(new MatchedRow(row, project, indicator.Path));
        AcceptIndicator(row, indicator, actuals, project, period, fileName, Errors);
    }

    private static bool IsDuplicate(ActualRow row, RulesProject project, string key, string what, Dictionary<RulesProject, Dictionary<string, int>> seen, string fileName, List<ImportError> errors)
    {
        if (!seen.TryGetValue(project, out var lines))
            seen[project] = lines = new(StringComparer.Ordinal);
        if (lines.TryAdd(key, row.Line))
            return false;
        errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Indicator, $"{what}重复填报：第{lines[key]}行已有同一行（本行实际完成值“{row.Value}”）"));
        return true;
    }

    private static void AcceptSpending(ActualRow row, ProjectActuals actuals, RulesProject project, string fileName, List<ImportError> errors)
    {
        // 预算执行率 is the spending row's ratio: an explanation written here belongs to it (its own row wins).
        if (HasNote(row) && project.Table.Indicators.FirstOrDefault(i => i.Name == IndicatorTree.BudgetExecutionRate) is { } rate)
            actuals.Notes.TryAdd(rate.Path, new IndicatorNote(row.Deviation, row.DeviationType, row.Likelihood, row.Line));
        CheckChoices(row, fileName, errors);
        if (row.Value.Length == 0)
            return;
        if (!ActualValue.TryAmount(row.Value, out var amount))
        {
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Value, $"项目“{project.Project.Name}”执行数“{row.Value}”应为金额（万元），如“130”或“130万元”"));
            return;
        }
        actuals.Spent = amount;
        actuals.SpentText = row.Value;
    }

    private static bool HasNote(ActualRow row) => row.Deviation.Length > 0 || row.DeviationType.Length > 0 || row.Likelihood.Length > 0;

    private static void CheckChoices(ActualRow row, string fileName, List<ImportError> errors)
    {
        if (row.DeviationType.Length > 0 && !ActualsColumns.DeviationTypes.Contains(row.DeviationType))
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.DeviationType, $"偏差原因类型“{row.DeviationType}”应为：{string.Join("、", ActualsColumns.DeviationTypes)}"));
        if (row.Likelihood.Length > 0 && !ActualsColumns.Likelihoods.Contains(row.Likelihood))
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Likelihood, $"完成目标可能性“{row.Likelihood}”应为：{string.Join("、", ActualsColumns.Likelihoods)}"));
    }

    private static Indicator? FindIndicator(
        ActualRow row, RulesProject project, ILookup<string, Indicator> byName, Func<string, string> key, string fileName, List<ImportError> errors)
    {
        var candidates = byName[key(row.Indicator)].ToList();
        if (row.Subcategory.Length > 0 && candidates.Count > 1)
            candidates = candidates.Where(i => key(i.Subcategory) == key(row.Subcategory)).ToList();
        if (candidates.Count == 1)
            return candidates[0];
        var names = project.Table.Indicators.Select(i => i.Name).ToList();
        var message = candidates.Count == 0
            ? $"项目“{project.Project.Name}”没有三级指标“{row.Indicator}”；最接近的是：{string.Join("、", Closest(row.Indicator, names).Select(n => $"“{n}”"))}"
            : $"项目“{project.Project.Name}”有多个三级指标“{row.Indicator}”：请填写二级指标以区分";
        errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Indicator, message));
        return null;
    }

    private static void AcceptIndicator(ActualRow row, Indicator indicator, ProjectActuals actuals, RulesProject project, Period period, string fileName, List<ImportError> errors)
    {
        CheckChoices(row, fileName, errors);
        if (row.Value.Length == 0)
        {
            // Left blank in the template: 未填报. An explanation is still kept (预算执行率's actual is computed).
            if (HasNote(row))
                actuals.Notes[indicator.Path] = new IndicatorNote(row.Deviation, row.DeviationType, row.Likelihood, row.Line);
            return;
        }
        var target = indicator.TargetFor(period);
        var input = ActualValue.TryParse(row.Value, target, project.Bands(period, indicator.Path), out var error);
        if (input is null)
        {
            errors.Add(new ImportError(fileName, row.Line, ActualsColumns.Value, $"项目“{project.Project.Name}”指标“{indicator.Name}”：{error}"));
            return;
        }
        actuals.Indicators[indicator.Path] = new ReportedActual(row.Value, input, row.Deviation, row.DeviationType, row.Likelihood, row.Line);
    }

    /// <summary>
    /// Names as compared: full-width forms, spaces and quote marks ignored, since people retype “通创荟” as "通创荟" or 通创荟.
    /// </summary>
    public static string NameKey(string name)
    {
        var normalized = TargetNotation.Normalize(name);
        return string.Concat(normalized.Where(ch => ch is not ('"' or '\'' or '“' or '”' or '‘' or '’' or '「' or '」' or '『' or '』')));
    }

    private static RulesProject? FindProject(
        ActualRow row, ILookup<string, RulesProject> byName, Func<string, string> key, IReadOnlyList<RulesProject> projects, string fileName, List<ImportError> errors)
    {
        var matches = byName[key(row.Project)].ToList();
        if (row.Department.Length > 0)
            matches = matches.Where(p => key(p.Project.Department) == key(row.Department)).ToList();
        if (row.Year.Length > 0)
            matches = matches.Where(p => p.Project.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) == row.Year.Trim().TrimEnd('年')).ToList();
        if (matches.Count == 1)
            return matches[0];
        var message = matches.Count == 0
            ? $"没有名为“{row.Project}”的项目{(row.Department.Length > 0 ? $"（主管部门“{row.Department}”）" : "")}{(row.Year.Length > 0 ? $"（年度“{row.Year}”）" : "")}；最接近的是：{string.Join("、", Closest(row.Project, projects.Select(p => p.Project.Name).Distinct()).Select(n => $"“{n}”"))}"
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
