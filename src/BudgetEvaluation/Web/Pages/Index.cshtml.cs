using BudgetEvaluation.Api;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Web.Dashboard;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages;

/// <summary>
/// The dashboard of a year and period: every project the caller may see with its result in the latest succeeded
/// run. Filters and sorting are query-string parameters, so the page works without script and can be bookmarked.
/// </summary>
public sealed class IndexModel(DashboardQuery query) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? PeriodCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "dept")]
    public string? Department { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Level { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true, Name = "dir")]
    public string? Direction { get; set; }

    public Caller Caller { get; private set; } = null!;

    public DashboardData Data { get; private set; } = null!;

    public Period Period => Data.Period;

    public bool YearEnd => Data.Period == Period.YearEnd;

    public IReadOnlyList<ProjectEvaluation> Evaluated { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Caller = Caller.From(User)!;
        // A department sees its own projects only; the store filters by its scope, the parameter cannot widen it.
        if (Caller.IsDepartment)
            Department = null;
        Period? period = PeriodNames.TryParse(PeriodCode, out var p) ? p : null;
        Data = await query.LoadAsync(Caller,
            new DashboardRequest(Year, period, Department, Level, Search, Sort, Direction == "desc"), cancellationToken);
        Evaluated = Data.Selected.Where(r => r.Evaluation is not null).Select(r => r.Evaluation!).ToList();
    }

    /// <summary>This page's URL with some parameters changed (null removes one); sorting by a new key starts ascending.</summary>
    public string Link(string? level = "", string? sort = "", bool? descending = null, string? department = "")
    {
        var parameters = new Dictionary<string, string?>
        {
            ["year"] = Data.Year?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["period"] = Data.Period.Code(),
            ["dept"] = department == "" ? Department : department,
            ["level"] = level == "" ? Level : level,
            ["q"] = Search,
            ["sort"] = sort == "" ? Data.Sort : sort,
            ["dir"] = (descending ?? Data.Descending) ? "desc" : null,
        };
        return "/" + QueryString.Create(parameters.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }

    /// <summary>
    /// The link of a column header: the same key flips the direction; another key starts with the highest score, the
    /// most severe warning or the most missing indicators first, any other key in ascending order.
    /// </summary>
    public string SortLink(string key) =>
        Link(sort: key, descending: key == Data.Sort ? !Data.Descending : key is Sorting.Score or Sorting.Missing);

    /// <summary>The arrow shown beside the sorted column.</summary>
    public string SortMark(string key) => key == Data.Sort ? (Data.Descending ? "▼" : "▲") : "";

    public string AriaSort(string key) => key == Data.Sort ? (Data.Descending ? "descending" : "ascending") : "none";
}
