using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;

namespace BudgetEvaluation.Jobs.Sources;

/// <summary>
/// Whose a dropped file is, and for which pull: by its name (it contains a 主管部门's name), else by its content
/// (the rows' 主管部门 column, else the 主管部门 of the projects its rows name).
/// </summary>
public static partial class FileOwner
{
    /// <summary>The 主管部门 names known to the service, and per project name of the pulled year its departments.</summary>
    public sealed record Known(IReadOnlyList<string> Names, IReadOnlyDictionary<string, IReadOnlyList<string>> ProjectDepartments);

    private static readonly string[] MidYearMarkers = ["mid-year", "midyear", "半年", "运行监控"];
    private static readonly string[] YearEndMarkers = ["year-end", "yearend", "年末", "年终", "全年", "自评"];

    /// <param name="projects">Every project of every year (a file may name a department without projects in the pulled year).</param>
    public static Known Departments(IReadOnlyList<ProjectSummary> projects, int year) => new(
        projects.Select(p => p.Department).Distinct(StringComparer.Ordinal).ToList(),
        projects.Where(p => p.Year == year)
            .GroupBy(p => ActualsSet.NameKey(p.Name), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.Department).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal));

    public static bool Same(string department, string other) => ActualsSet.NameKey(department) == ActualsSet.NameKey(other);

    /// <summary>
    /// Whether the file is for this pull: a name that names a year (<c>2026</c>) or a period (<c>mid-year</c>,
    /// <c>半年</c>, <c>运行监控</c> / <c>year-end</c>, <c>年末</c>, <c>年终</c>, <c>全年</c>, <c>自评</c>) is
    /// taken only by that year's or period's pull; a name without them by any.
    /// </summary>
    public static bool IsFor(string fileName, int year, Period period)
    {
        var name = fileName.ToLowerInvariant();
        var years = YearInName().Matches(name);
        if (years.Count > 0 && !years.Any(m => m.Value == year.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            return false;
        var midYear = MidYearMarkers.Any(m => name.Contains(m, StringComparison.Ordinal));
        var yearEnd = YearEndMarkers.Any(m => name.Contains(m, StringComparison.Ordinal));
        return midYear == yearEnd || period == (midYear ? Period.MidYear : Period.YearEnd);
    }

    /// <summary>The department whose name the file name contains (the longest, if several do).</summary>
    public static string? ByName(string fileName, Known known)
    {
        var key = ActualsSet.NameKey(Path.GetFileNameWithoutExtension(fileName));
        return known.Names
            .Where(n => key.Contains(ActualsSet.NameKey(n), StringComparison.Ordinal))
            .OrderByDescending(n => ActualsSet.NameKey(n).Length)
            .FirstOrDefault();
    }

    /// <summary>
    /// The department the rows name: the filled 主管部门 cells must all name one known department; with none filled,
    /// the projects the rows name (those known in the year) must all be of one department. Otherwise null and why.
    /// </summary>
    public static (string? Department, string Reason) ByContent(IReadOnlyList<ActualRow> rows, Known known)
    {
        if (rows.Count == 0)
            return (null, "文件内容无法读取或没有任何数据行");
        var named = rows.Select(r => r.Department).Where(d => d.Length > 0)
            .DistinctBy(ActualsSet.NameKey, StringComparer.Ordinal).ToList();
        if (named.Count > 1)
            return (null, $"各行的“主管部门”列不一致（{Quoted(named)}）");
        if (named.Count == 1)
        {
            var match = known.Names.FirstOrDefault(n => Same(n, named[0]));
            return match is null ? (null, $"“主管部门”列为“{named[0]}”，不是已知的主管部门") : (match, "");
        }
        var owners = rows
            .Select(r => known.ProjectDepartments.GetValueOrDefault(ActualsSet.NameKey(r.Project)))
            .Where(d => d is { Count: 1 })
            .Select(d => d![0])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return owners.Count switch
        {
            1 => (owners[0], ""),
            0 => (null, "各行未填写“主管部门”列，项目名称也不属于任何已知的主管部门"),
            _ => (null, $"各行未填写“主管部门”列，项目分属多个主管部门（{Quoted(owners)}）"),
        };
    }

    private static string Quoted(IEnumerable<string> names) => string.Join("、", names.Select(n => $"“{n}”"));

    [GeneratedRegex(@"(?<!\d)20\d\d(?!\d)")]
    private static partial Regex YearInName();
}
