using BudgetEvaluation.Api;
using BudgetEvaluation.Core.Review;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Web.Dashboard;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages.Projects;

/// <summary>
/// One project: its official table from the latest succeeded run (Core's report fragment, not a copy of it), every
/// indicator's explanation, the uploads of actuals, the target review of its current rules and its rules versions.
/// </summary>
public sealed class DetailModel(ProjectStore projects, EvaluationStore evaluations, ActualsStore actuals, AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "period")]
    public string? PeriodCode { get; set; }

    public ProjectRecord Project { get; private set; } = null!;

    public Period Period { get; private set; }

    public EvaluationRun? Run { get; private set; }

    public ProjectEvaluation? Evaluation { get; private set; }

    public IReadOnlyList<UploadSummary> Uploads { get; private set; } = [];

    /// <summary>The current actuals rows of the period that carry a 偏差原因 (or a mid-year choice).</summary>
    public IReadOnlyList<CurrentActualRow> Notes { get; private set; } = [];

    public IReadOnlyList<RuleSetVersion> Versions { get; private set; } = [];

    public IReadOnlyList<Finding> Findings { get; private set; } = [];

    public string ImplementingUnit { get; private set; } = "";

    /// <summary>Set when the page shows a refusal (403) or a missing project (404) instead of the project.</summary>
    public (int Status, string Title, string Message)? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } project)
            return Page();
        Project = project;

        var requested = PeriodNames.TryParse(PeriodCode, out var p) ? p : (Period?)null;
        Period = requested ?? Period.YearEnd;
        Run = await evaluations.LatestSucceededRunAsync(project.Year, Period, cancellationToken);
        if (Run is null && requested is null && await evaluations.LatestSucceededRunAsync(project.Year, Period.MidYear, cancellationToken) is { } midYear)
        {
            Period = Period.MidYear;
            Run = midYear;
        }
        if (Run is not null
            && (await evaluations.ResultsAsync(Run.Id, project.DepartmentId, cancellationToken)).FirstOrDefault(r => r.ProjectId == id) is { } stored)
            Evaluation = StoredEvaluation.Parse(stored.Result);

        Uploads = await actuals.HistoryAsync(project.Year, Period, id, cancellationToken: cancellationToken);
        Notes = (await actuals.CurrentRowsAsync(project.Year, Period, projectId: id, cancellationToken: cancellationToken))
            .Where(r => !string.IsNullOrEmpty(r.DeviationReason) || !string.IsNullOrEmpty(r.DeviationType) || !string.IsNullOrEmpty(r.Likelihood))
            .ToList();
        Versions = await projects.VersionsAsync(id, cancellationToken);
        var rules = await projects.RulesTextAsync(id, null, cancellationToken);
        if (rules is not null)
        {
            var table = RulesProject.Parse(rules, $"project:{id}").Table;
            ImplementingUnit = table.Project.ImplementingUnit;
            Findings = TargetReview.Review(table);
        }
        return Page();
    }

    /// <summary>A rules version as its JSON file, for download.</summary>
    public async Task<IActionResult> OnGetRulesAsync(long id, int version, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } project)
            return Page();
        var text = await projects.RulesTextAsync(id, version, cancellationToken);
        if (text is null)
        {
            Refuse(StatusCodes.Status404NotFound, "规则版本不存在", $"项目“{project.Name}”没有第 {version} 版规则。");
            return Page();
        }
        return File(System.Text.Encoding.UTF8.GetBytes(text), "application/json; charset=utf-8", $"{project.Name}-规则第{version}版.json");
    }

    /// <summary>The project if it exists and the caller may see it; else null, with the refusal set (a 403 is audited).</summary>
    private async Task<ProjectRecord?> FindAsync(long id, CancellationToken cancellationToken)
    {
        var caller = Caller.From(User)!;
        var project = await projects.GetAsync(id, cancellationToken);
        if (project is null)
        {
            Refuse(StatusCodes.Status404NotFound, "项目不存在", $"没有编号为 {id} 的项目。");
            return null;
        }
        if (!caller.CanAccess(project.DepartmentId))
        {
            await audit.WriteAsync(caller.Actor, "request.refused", AuditOutcome.Forbidden, ApiKeyAuthenticationHandler.RequestLine(Request),
                new { status = 403, reason = $"项目 {id} 不属于主管部门（{caller.Department}）" }, CancellationToken.None);
            Refuse(StatusCodes.Status403Forbidden, "无权访问", $"项目 {id} 不属于您的主管部门（{caller.Department}），不能查看。此次访问已记入审计日志。");
            return null;
        }
        return project;
    }

    private void Refuse(int status, string title, string message)
    {
        Response.StatusCode = status;
        Refusal = (status, title, message);
    }

    /// <summary>Where a finding sits above its indicator: 一级/二级 of an indicator, 项目资金 for the funds, nothing for a category.</summary>
    public static string FindingPath(Finding finding) =>
        finding.Rule.LastIndexOf('/') is var slash and > 0 ? finding.Rule[..slash]
        : finding.Rule != finding.Indicator ? finding.Rule
        : "";

    /// <summary>The CSS class of a review finding's severity.</summary>
    public static string SeverityCss(Severity severity) => severity switch
    {
        Severity.Error => "sev-error",
        Severity.Warning => "sev-warning",
        _ => "sev-hint",
    };
}
