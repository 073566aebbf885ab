using BudgetEvaluation.Actuals;
using BudgetEvaluation.Api;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages.Actuals;

/// <summary>
/// 实际完成值填报: the fill-in template of the caller's projects, and the upload of a filled file, checked by
/// <see cref="ActualsUpload"/> (the API's path) with every error or the coverage shown on this page.
/// </summary>
public sealed class IndexModel(ActualsUpload uploads, ProjectStore projectStore, StoredProjects storedProjects, ActualsStore actuals, AuditLog audit)
    : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? PeriodCode { get; set; }

    /// <summary>Finance: the 主管部门 whose template to download (empty: all).</summary>
    [BindProperty(SupportsGet = true, Name = "dept")]
    public string? Department { get; set; }

    /// <summary>The file posted by the upload form (field <c>file</c>).</summary>
    [BindProperty(Name = "file")]
    public IFormFile? Posted { get; set; }

    public Caller Caller { get; private set; } = null!;

    public IReadOnlyList<int> Years { get; private set; } = [];

    public IReadOnlyList<string> Departments { get; private set; } = [];

    public Period Period { get; private set; }

    public string? FileName { get; private set; }

    /// <summary>The outcome of the upload just made; null when the page is only shown.</summary>
    public UploadOutcome? Outcome { get; private set; }

    /// <summary>A problem with the request itself (no file, empty file).</summary>
    public string? Problem { get; private set; }

    public IReadOnlyList<UploadSummary> History { get; private set; } = [];

    public (int Status, string Title, string Message)? Refusal { get; private set; }

    public bool CanUpload => Caller.Role is Roles.Finance or Roles.Department;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>The template, by the templates API's own code (<see cref="TemplatesApi.GetAsync"/>).</summary>
    public async Task<IActionResult> OnGetTemplateAsync(string? format, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Year is null)
            return Page();
        var result = await TemplatesApi.GetAsync(Year.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Period.Code(),
            Caller.IsDepartment ? null : Department, format, Caller, projectStore, storedProjects, audit, HttpContext, cancellationToken);
        switch (result.Result)
        {
            case FileContentHttpResult file:
                return File(file.FileContents.ToArray(), file.ContentType ?? "application/octet-stream", file.FileDownloadName);
            case ProblemHttpResult problem:
                Refuse(problem.StatusCode, "无法下载模板", problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "");
                return Page();
            default:
                throw new InvalidOperationException("unexpected template result");
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (!CanUpload)
        {
            await audit.WriteAsync(Caller.Actor, "request.refused", AuditOutcome.Forbidden, ApiKeyAuthenticationHandler.RequestLine(Request),
                new { status = 403, reason = "审计角色不能上传实际完成值" }, CancellationToken.None);
            Refuse(StatusCodes.Status403Forbidden, "无权上传", $"您的角色“{WebText.Role(Caller.Role)}”只能查看，不能上传实际完成值。");
            return Page();
        }
        if (Year is null)
            return Page();
        if (Posted is null || Posted.Length == 0)
        {
            Problem = Posted is null ? "请选择要上传的文件（.xlsx、.csv 或 .json）。" : $"文件“{Posted.FileName}”是空的。";
            return Page();
        }
        using var buffer = new MemoryStream();
        await Posted.CopyToAsync(buffer, cancellationToken);
        FileName = Upload.SafeFileName(Posted.FileName, Posted.ContentType, "actuals");
        Outcome = await uploads.ProcessAsync(new NewUpload(Year.Value, Period, FileName, Posted.ContentType, buffer.ToArray()),
            Caller.Scope, Caller.Actor, cancellationToken);
        if (Outcome is UploadOutcome.Foreign foreign)
        {
            // As the API: a file naming other departments' projects is a refusal, and audited as one.
            await audit.WriteAsync(Caller.Actor, "request.refused", AuditOutcome.Forbidden, ApiKeyAuthenticationHandler.RequestLine(Request),
                new { status = 403, reason = $"文件“{FileName}”中有 {foreign.Rows.Count} 行填报了其他主管部门的项目" }, CancellationToken.None);
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        else if (Outcome is UploadOutcome.Rejected)
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        History = await actuals.HistoryAsync(Year.Value, Period, departmentId: Caller.Scope, cancellationToken: cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Caller = Caller.From(User)!;
        var all = await projectStore.ListAsync(null, Caller.Scope, cancellationToken);
        Years = all.Select(p => p.Year).Distinct().OrderDescending().ToList();
        Year = Year is { } asked && Years.Contains(asked) ? asked : Years.Count > 0 ? Years[0] : null;
        Period = PeriodNames.TryParse(PeriodCode, out var p) ? p : Period.YearEnd;
        Departments = all.Where(x => x.Year == Year).Select(x => x.Department).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (Year is { } year)
            History = await actuals.HistoryAsync(year, Period, departmentId: Caller.Scope, cancellationToken: cancellationToken);
    }

    private void Refuse(int? status, string title, string message)
    {
        Response.StatusCode = status ?? StatusCodes.Status400BadRequest;
        Refusal = (Response.StatusCode, title, message);
    }

    /// <summary>This page's address for the year and period, with a handler and more parameters.</summary>
    public string Link(string? handler = null, string? format = null) =>
        "/actuals" + (handler is null ? "" : "/" + handler) + QueryString.Create(new Dictionary<string, string?>
        {
            ["year"] = Year?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["period"] = Period.Code(),
            ["dept"] = Caller.IsDepartment ? null : Department,
            ["format"] = format,
        }.Where(kv => !string.IsNullOrEmpty(kv.Value)));
}
