using BudgetEvaluation.Actuals;
using BudgetEvaluation.Api;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Web.Dashboard;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages;

/// <summary>An indicator that needs its 偏差原因: what the latest run found, and the reason currently stored.</summary>
public sealed record DeviationLine(
    long ProjectId, string Project, string Department, string Path, string Category, string Subcategory, string Indicator,
    string Target, string? Actual, string Status, string? Warning, IReadOnlyList<string> Flags,
    string Deviation, string DeviationType, string Likelihood);

/// <summary>One reason as the form posts it.</summary>
public sealed class DeviationInput
{
    public long ProjectId { get; set; }
    public string Path { get; set; } = "";
    public string? Deviation { get; set; }
    public string? DeviationType { get; set; }
    public string? Likelihood { get; set; }
}

/// <summary>
/// 偏差原因分析及改进措施: the caller's indicators the latest run found not met (year-end: 未达成 or 部分达成; mid-year:
/// a yellow or red warning; or flagged for a reason), each with a field for the reason. Saving stores a new version
/// of the actuals through <see cref="DeviationNotes"/>; the next run writes the reasons into the official tables.
/// </summary>
// A department's or the bureau's every not-met indicator is one form: more fields than the default limit of 1 024.
[RequestFormLimits(ValueCountLimit = 20_000)]
public sealed class ReasonsModel(DashboardQuery dashboard, ActualsStore actuals, DeviationNotes notes, AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? PeriodCode { get; set; }

    [BindProperty]
    public List<DeviationInput> Notes { get; set; } = [];

    public Caller Caller { get; private set; } = null!;

    public DashboardData Data { get; private set; } = null!;

    public Period Period => Data.Period;

    public IReadOnlyList<DeviationLine> Lines { get; private set; } = [];

    /// <summary>The longest 偏差原因 accepted, in characters (the official table's cell, not a report).</summary>
    public const int MaxLength = 2000;

    public UploadOutcome? Outcome { get; private set; }

    /// <summary>Reasons refused before anything was stored (too long), as the page lists them.</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    /// <summary>True after a save that changed nothing.</summary>
    public bool Unchanged { get; private set; }

    public (int Status, string Title, string Message)? Refusal { get; private set; }

    public bool CanWrite => Caller.Role is Roles.Finance or Roles.Department;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Caller = Caller.From(User)!;
        if (!CanWrite)
        {
            await audit.WriteAsync(Caller.Actor, "request.refused", AuditOutcome.Forbidden, ApiKeyAuthenticationHandler.RequestLine(Request),
                new { status = 403, reason = "审计角色不能填写偏差原因" }, CancellationToken.None);
            Response.StatusCode = StatusCodes.Status403Forbidden;
            Refusal = (403, "无权填写", $"您的角色“{WebText.Role(Caller.Role)}”只能查看，不能填写偏差原因。");
            return Page();
        }
        await LoadAsync(cancellationToken);
        if (Data.Year is not { } year)
            return Page();
        // Only what the page offered can be written: a posted path outside the lines is ignored.
        var offered = Lines.Select(l => (l.ProjectId, l.Path)).ToHashSet();
        var written = Notes.Where(n => offered.Contains((n.ProjectId, n.Path)))
            .Select(n => new DeviationNote(n.ProjectId, n.Path, Clean(n.Deviation), Clean(n.DeviationType), Clean(n.Likelihood)))
            .ToList();
        Problems = written.Where(n => n.Deviation.Length > MaxLength)
            .Select(n => $"项目“{Lines.First(l => l.ProjectId == n.ProjectId && l.Path == n.Path).Project}”指标“{n.Path}”：偏差原因有 {n.Deviation.Length} 个字符，超过上限 {MaxLength} 个字符")
            .ToList();
        if (Problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            KeepPosted(written);
            return Page();
        }
        Outcome = await notes.SaveAsync(year, Period, written, Caller.Scope, Caller.Actor, cancellationToken);
        Unchanged = Outcome is null;
        if (Outcome is UploadOutcome.Accepted)
            await LoadAsync(cancellationToken);
        else if (Outcome is not null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            KeepPosted(written);
        }
        return Page();
    }

    /// <summary>After a refusal the form shows what was written, not what is stored, so nothing typed is lost.</summary>
    private void KeepPosted(IReadOnlyList<DeviationNote> written)
    {
        var posted = written.GroupBy(n => (n.ProjectId, n.Path)).ToDictionary(g => g.Key, g => g.Last());
        Lines = Lines.Select(l => posted.TryGetValue((l.ProjectId, l.Path), out var n)
            ? l with { Deviation = n.Deviation, DeviationType = n.DeviationType, Likelihood = n.Likelihood }
            : l).ToList();
    }

    private static string Clean(string? text) => (text ?? "").Trim();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Caller = Caller.From(User)!;
        Period? period = PeriodNames.TryParse(PeriodCode, out var p) ? p : null;
        Data = await dashboard.LoadAsync(Caller, new DashboardRequest(Year, period), cancellationToken);
        if (Data.Year is not { } year)
            return;
        var current = (await actuals.CurrentRowsAsync(year, Data.Period, Caller.Scope, cancellationToken: cancellationToken))
            .ToDictionary(r => (r.ProjectId, r.IndicatorPath));
        var lines = new List<DeviationLine>();
        foreach (var row in Data.Selected.Where(r => r.Evaluation is not null).OrderBy(r => r.Project.Department, StringComparer.Ordinal).ThenBy(r => r.Project.Name, StringComparer.Ordinal))
        {
            foreach (var x in row.Evaluation!.Indicators)
            {
                var path = $"{x.Category}/{x.Subcategory}/{x.Indicator}";
                var stored = current.GetValueOrDefault((row.Project.Id, path));
                var hasReason = !string.IsNullOrEmpty(stored?.DeviationReason);
                if (!NeedsReason(x, Data.Period) && !hasReason)
                    continue;
                lines.Add(new DeviationLine(row.Project.Id, row.Project.Name, row.Project.Department, path, x.Category, x.Subcategory, x.Indicator,
                    x.Target, x.Actual, x.Status, x.Warning, x.Flags,
                    stored?.DeviationReason ?? "", stored?.DeviationType ?? "", stored?.Likelihood ?? ""));
            }
        }
        Lines = lines;
    }

    /// <summary>
    /// Year-end: not (fully) met; mid-year: behind (yellow or red); either: a finding that asks for a reason. An
    /// indicator without an actual (未填报) needs its value uploaded, not a reason.
    /// </summary>
    public static bool NeedsReason(IndicatorResult x, Period period) =>
        x.Status != Statuses.Missing
        && ((period == Period.YearEnd ? x.Status is Statuses.Missed or Statuses.Partly : x.Warning is Warnings.Yellow or Warnings.Red)
            || x.Flags.Count > 0);
}
