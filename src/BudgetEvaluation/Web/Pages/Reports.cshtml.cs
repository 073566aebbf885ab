using System.Globalization;
using BudgetEvaluation.Api;
using BudgetEvaluation.Core.Reports;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages;

/// <summary>
/// A report of the latest succeeded run (or <c>run</c>) for download, by the code of <c>GET /api/reports</c>
/// (<see cref="ReportsApi.GetAsync"/>): a department gets only its own projects. The HTML report downloads too,
/// since it carries its own styles, which the pages' policy would not run inline.
/// </summary>
public sealed class ReportsModel(ProjectStore projects, EvaluationStore runs, AuditLog audit) : PageModel
{
    public (int Status, string Title, string Message)? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? year, string? period, string? project, string? format, string? run, CancellationToken cancellationToken)
    {
        var caller = Caller.From(User)!;
        var result = await ReportsApi.GetAsync(year, period, project, null, format, run, caller, projects, runs, audit, HttpContext, cancellationToken);
        switch (result.Result)
        {
            case FileContentHttpResult file:
                var name = file.FileDownloadName ?? FileName(period, year, file.ContentType);
                return File(file.FileContents.ToArray(), file.ContentType ?? "application/octet-stream", name);
            case ProblemHttpResult problem:
                Response.StatusCode = problem.StatusCode;
                Refusal = (problem.StatusCode, "无法取得报告", problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "");
                return Page();
            default:
                throw new InvalidOperationException("unexpected report result");
        }
    }

    /// <summary>The HTML or JSON report's file name: the table's title, the year and the run.</summary>
    private string FileName(string? period, string? year, string? contentType)
    {
        var p = PeriodNames.TryParse(period, out var parsed) ? parsed : Period.YearEnd;
        var extension = contentType?.StartsWith("application/json", StringComparison.Ordinal) == true ? "json" : "html";
        var runId = Response.Headers[RunResults.RunHeader].ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{ReportFormat.TableTitle(p)}_{year}_运行{runId}.{extension}");
    }
}
