using System.Globalization;
using BudgetEvaluation.Api;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Scoring;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages.Runs;

/// <summary>
/// 发起评价 (finance only): year, period, as-of date and scheme, started by the very code of <c>POST /api/evaluations</c>
/// (<see cref="EvaluationsApi.StartAsync"/>); the browser then follows the run on its own page.
/// </summary>
[Authorize(Roles = Roles.Finance)]
public sealed class NewModel(EvaluationStore runs, RunDepartmentStore departments, ProjectStore projects, SchemeCatalog schemes, IBackgroundJobClient jobs) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? PeriodCode { get; set; }

    /// <summary>评价时点, yyyy-MM-dd; empty for the period's default (6月30日 or 12月31日).</summary>
    [BindProperty]
    public string? AsOf { get; set; }

    [BindProperty]
    public string? Scheme { get; set; }

    public IReadOnlyList<int> Years { get; private set; } = [];

    public IReadOnlyList<string> Schemes { get; private set; } = [];

    public Period Period { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        var caller = Caller.From(User)!;
        var result = await EvaluationsApi.StartAsync(Year?.ToString(CultureInfo.InvariantCulture), Period.Code(), AsOf, Scheme,
            caller, runs, departments, projects, schemes, jobs, cancellationToken);
        switch (result.Result)
        {
            case Accepted<EvaluationRunView> accepted:
                return Redirect(string.Create(CultureInfo.InvariantCulture, $"/runs/{accepted.Value!.Id}"));
            case ProblemHttpResult problem:
                Error = problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title;
                Response.StatusCode = problem.StatusCode;
                return Page();
            default:
                throw new InvalidOperationException("unexpected start result");
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Years = (await projects.ListAsync(null, null, cancellationToken)).Select(p => p.Year).Distinct().OrderDescending().ToList();
        Year ??= Years.Count > 0 ? Years[0] : null;
        Period = PeriodNames.TryParse(PeriodCode, out var p) ? p : Period.YearEnd;
        Schemes = schemes.Names();
    }
}
