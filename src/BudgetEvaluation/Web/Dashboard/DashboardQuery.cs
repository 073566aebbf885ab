using System.Text.Json;
using BudgetEvaluation.Api;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;

namespace BudgetEvaluation.Web.Dashboard;

/// <summary>What the dashboard's query string asks for; every part optional.</summary>
/// <param name="Level">A grade (优, 良, …), a warning (green, yellow, red) or <see cref="Levels.None"/>.</param>
public sealed record DashboardRequest(
    int? Year = null, Period? Period = null, string? Department = null, string? Level = null, string? Search = null,
    string? Sort = null, bool Descending = false);

/// <summary>A project of the dashboard with its result in the run shown, if it has one.</summary>
public sealed record ProjectRow(ProjectSummary Project, ProjectEvaluation? Evaluation, string Level);

/// <summary>The dashboard of one year and period, as far as the caller may see it.</summary>
/// <param name="Selected">The projects of the chosen department and search: the counts and charts are of these.</param>
/// <param name="Rows">The selected projects of the chosen level, sorted: the table.</param>
public sealed record DashboardData(
    IReadOnlyList<int> Years,
    int? Year,
    Period Period,
    EvaluationRun? Run,
    IReadOnlyList<string> Departments,
    IReadOnlyList<ProjectRow> Selected,
    IReadOnlyList<ProjectRow> Rows,
    string Sort,
    bool Descending);

/// <summary>Reads the dashboard from the stores: the caller's projects and the latest succeeded run's results.</summary>
public sealed class DashboardQuery(ProjectStore projects, EvaluationStore evaluations)
{
    public async Task<DashboardData> LoadAsync(Caller caller, DashboardRequest request, CancellationToken cancellationToken)
    {
        var all = await projects.ListAsync(null, caller.Scope, cancellationToken);
        var years = all.Select(p => p.Year).Distinct().OrderDescending().ToList();
        var (year, period, run) = await ChooseAsync(years, request, cancellationToken);

        var results = run is null
            ? new Dictionary<long, ProjectEvaluation>()
            : (await evaluations.ResultsAsync(run.Id, caller.Scope, cancellationToken)).ToDictionary(r => r.ProjectId, r => StoredEvaluation.Parse(r.Result));
        var inYear = all.Where(p => p.Year == year).ToList();
        var departments = inYear.Select(p => p.Department).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var search = request.Search?.Trim() ?? "";
        var selected = inYear
            .Where(p => string.IsNullOrEmpty(request.Department) || p.Department == request.Department)
            .Where(p => search.Length == 0 || p.Name.Contains(search, StringComparison.OrdinalIgnoreCase))
            .Select(p =>
            {
                var evaluation = results.GetValueOrDefault(p.Id);
                return new ProjectRow(p, evaluation, Levels.Of(evaluation, period));
            })
            .ToList();
        var sort = Sorting.Keys.Contains(request.Sort) ? request.Sort! : Sorting.Department;
        var rows = Sorting.Apply(
            selected.Where(r => string.IsNullOrEmpty(request.Level) || r.Level == request.Level), sort, request.Descending, period).ToList();
        return new DashboardData(years, year, period, run, departments, selected, rows, sort, request.Descending);
    }

    /// <summary>
    /// The year and period asked for; without a choice, the latest year and period that have results (year-end
    /// before mid-year), else the latest year at year-end: a new year's targets come in before its first run.
    /// </summary>
    private async Task<(int? Year, Period Period, EvaluationRun? Run)> ChooseAsync(IReadOnlyList<int> years, DashboardRequest request, CancellationToken cancellationToken)
    {
        var candidates = request.Year is { } asked && years.Contains(asked) ? [asked] : years;
        Period[] periods = request.Period is { } p ? [p] : [Period.YearEnd, Period.MidYear];
        foreach (var year in candidates)
        {
            foreach (var period in periods)
            {
                if (await evaluations.LatestSucceededRunAsync(year, period, cancellationToken) is { } run)
                    return (year, period, run);
            }
        }
        return (candidates.Count > 0 ? candidates[0] : null, request.Period ?? Period.YearEnd, null);
    }
}

/// <summary>A stored result's JSON: one project's evaluation as <c>budgeteval score --format json</c> writes it.</summary>
public static class StoredEvaluation
{
    private static readonly JsonSerializerOptions Options = new(EvaluationJson.Options) { PropertyNameCaseInsensitive = true };

    public static ProjectEvaluation Parse(string json) =>
        JsonSerializer.Deserialize<ProjectEvaluation>(json, Options) ?? throw new JsonException("stored result is null");
}

/// <summary>A project's level on the dashboard: its grade at year-end, its warning at mid-year.</summary>
public static class Levels
{
    /// <summary>No result in the run shown.</summary>
    public const string None = "none";

    public static string Of(ProjectEvaluation? evaluation, Period period) =>
        (period == Period.YearEnd ? evaluation?.Grade : evaluation?.Warning) is { Length: > 0 } level ? level : None;

    /// <summary>The levels of a period in display order (best first), with any grade a scheme adds, then 未评价.</summary>
    public static IReadOnlyList<string> For(Period period, IEnumerable<ProjectRow> rows) =>
        period == Period.YearEnd
            ? new[] { "优", "良", "中", "差" }.Concat(rows.Select(r => r.Level).Where(l => l != None)).Distinct().Append(None).ToList()
            : [Warnings.Green, Warnings.Yellow, Warnings.Red, None];

    public static string Label(string level) => level switch
    {
        None => "未评价",
        Warnings.Green => "绿色（正常）",
        Warnings.Yellow => "黄色（滞后）",
        Warnings.Red => "红色（严重滞后）",
        _ => level,
    };

    /// <summary>A CSS class per level: grades and warnings get their colours, anything else stays neutral.</summary>
    public static string Css(string level) => level switch
    {
        "优" => "lv-excellent",
        "良" => "lv-good",
        "中" => "lv-fair",
        "差" => "lv-poor",
        Warnings.Green => "lv-green",
        Warnings.Yellow => "lv-yellow",
        Warnings.Red => "lv-red",
        _ => "lv-none",
    };
}

/// <summary>The table's sort keys; a project without a result sorts after every project with one.</summary>
public static class Sorting
{
    public const string Department = "dept";
    public const string Name = "name";
    public const string Budget = "budget";
    public const string Rate = "rate";
    public const string Score = "score";
    public const string Missing = "missing";

    public static readonly IReadOnlySet<string?> Keys = new HashSet<string?>(StringComparer.Ordinal) { Department, Name, Budget, Rate, Score, Missing };

    public static IEnumerable<ProjectRow> Apply(IEnumerable<ProjectRow> rows, string sort, bool descending, Period period)
    {
        var ordered = sort switch
        {
            Name => By(rows, r => r.Project.Name, descending, StringComparer.Ordinal),
            Budget => ByValue(rows, r => r.Evaluation?.Funds.AnnualBudget, descending),
            Rate => ByValue(rows, r => r.Evaluation?.Funds.ExecutionRate, descending),
            Score => period == Period.YearEnd
                ? ByValue(rows, r => r.Evaluation?.TotalScore, descending)
                : ByValue(rows, r => WarningRank(r.Evaluation?.Warning), descending),
            Missing => ByValue(rows, r => r.Evaluation?.Missing.Count, descending),
            _ => By(rows, r => r.Project.Department, descending, StringComparer.Ordinal),
        };
        // Ties keep the table order of the department and project names.
        return ordered.ThenBy(r => r.Project.Department, StringComparer.Ordinal).ThenBy(r => r.Project.Name, StringComparer.Ordinal);
    }

    private static IOrderedEnumerable<ProjectRow> By(IEnumerable<ProjectRow> rows, Func<ProjectRow, string> key, bool descending, IComparer<string> comparer) =>
        descending ? rows.OrderByDescending(key, comparer) : rows.OrderBy(key, comparer);

    private static IOrderedEnumerable<ProjectRow> ByValue(IEnumerable<ProjectRow> rows, Func<ProjectRow, double?> key, bool descending)
    {
        var withValueFirst = rows.OrderBy(r => key(r) is null);
        return descending ? withValueFirst.ThenByDescending(r => key(r)) : withValueFirst.ThenBy(r => key(r));
    }

    private static double? WarningRank(string? warning) => warning switch
    {
        Warnings.Green => 0,
        Warnings.Yellow => 1,
        Warnings.Red => 2,
        _ => null,
    };
}
