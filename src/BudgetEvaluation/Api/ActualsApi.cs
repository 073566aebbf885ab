using System.Globalization;
using BudgetEvaluation.Actuals;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>The answer to an accepted upload: what was stored and, per project, what it covers.</summary>
public sealed record ActualsUploadResult(
    UploadSummary Upload, string Download, int Projects, int Rows, int Missing,
    IReadOnlyList<ProjectCoverage> Coverage, IReadOnlyList<ProjectReference> ProjectsNotInUpload);

/// <summary>One current actual of a project, as uploaded.</summary>
public sealed record CurrentValue(int Line, string Indicator, string Value, string? Deviation, string? DeviationType, string? Likelihood);

/// <summary>A project's current actuals for a period: the rows of the latest upload that has any.</summary>
public sealed record ProjectActualsView(long Id, string Department, string Name, long? UploadId, string? FileName, DateTime? UploadedAt, IReadOnlyList<CurrentValue> Values);

/// <summary>An upload in the history, with the address of its original file.</summary>
public sealed record UploadHistoryEntry(
    long Id, string Source, string FileName, string Sha256, string UploadedBy, DateTime UploadedAt, int Rows, int Projects, string Download);

public sealed record ActualsView(int Year, string Period, IReadOnlyList<ProjectActualsView> Projects, IReadOnlyList<UploadHistoryEntry> Uploads);

public static class ActualsApi
{
    public static RouteGroupBuilder MapActualsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/actuals").WithTags("实际完成值").RequireAuthorization();
        group.MapPost("", UploadAsync)
            .RequireAuthorization(Policies.Upload)
            .Accepts<IFormFile>("multipart/form-data", Upload.RawContentTypes)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("上传实际完成值（.csv/.xlsx 文件，或 JSON 行数组）：全部通过才保存，否则列出每个错误")
            .WithDescription(
                "主管部门只能上传本部门的项目（文件中有其他部门的项目时 403）；财政局可上传任何项目；审计 403。" +
                "JSON：数组，每个元素一行，字段为列名（项目名称、三级指标、实际完成值……）或英文名（project、indicator、value……）。" +
                "每次上传都保留原始文件；每个项目的当前值是最近一次含该项目的上传。");
        group.MapGet("", GetAsync)
            .WithSummary("项目的当前实际完成值与上传历史（主管部门只能看到本部门的项目）");
        group.MapGet("uploads/{id:long}/file", DownloadAsync)
            .WithSummary("下载某次上传的原始文件");
        return group;
    }

    public static async Task<Results<Ok<ActualsUploadResult>, ProblemHttpResult>> UploadAsync(
        string? year, string? period, HttpRequest request, Caller caller, ActualsUpload uploads, AuditLog audit, CancellationToken cancellationToken)
    {
        if (Query.Year(year, out var fiscalYear) is { } badYear)
            return badYear;
        if (Query.Period(period, out var p) is { } badPeriod)
            return badPeriod;
        var (upload, error) = await Upload.ReadAsync(request, "actuals", cancellationToken);
        if (upload is null)
            return Problems.BadRequest(error!);
        var outcome = await uploads.ProcessAsync(
            new NewUpload(fiscalYear, p, upload.FileName, upload.ContentType, upload.Content), caller.Scope, caller.Actor, cancellationToken);
        switch (outcome)
        {
            case UploadOutcome.Accepted accepted:
                var summary = accepted.Upload;
                return TypedResults.Ok(new ActualsUploadResult(summary, DownloadPath(summary.Id), summary.Projects, summary.Rows,
                    accepted.Projects.Sum(c => c.Missing), accepted.Projects, accepted.ProjectsNotInUpload));
            case UploadOutcome.Rejected rejected:
                return Problems.InvalidFile($"实际完成值文件“{upload.FileName}”有 {rejected.Errors.Count} 个错误，未保存任何数据", rejected.Errors);
            case UploadOutcome.Foreign foreign:
                var lines = string.Join("；", foreign.Rows.Take(10).Select(e => $"第{e.Line}行：{e.Message}"));
                return await Problems.ForbiddenAsync(request.HttpContext, audit, caller,
                    $"文件“{upload.FileName}”中有 {foreign.Rows.Count} 行填报了其他主管部门的项目，未保存任何数据。{lines}{(foreign.Rows.Count > 10 ? "……" : "")}");
            default:
                return Problems.BadRequest(caller.IsDepartment
                    ? $"{fiscalYear} 年度没有您主管部门（{caller.Department}）的项目"
                    : $"{fiscalYear} 年度没有任何项目：请先导入目标表（POST /api/targets）");
        }
    }

    public static async Task<Results<Ok<ActualsView>, ProblemHttpResult>> GetAsync(
        string? year, string? period, string? project, Caller caller, ProjectStore projects, ActualsStore actuals, AuditLog audit,
        HttpContext context, CancellationToken cancellationToken)
    {
        if (Query.Year(year, out var fiscalYear) is { } badYear)
            return badYear;
        if (Query.Period(period, out var p) is { } badPeriod)
            return badPeriod;
        if (Query.Id("project", project, out var projectId) is { } badProject)
            return badProject;
        if (projectId is { } id)
        {
            var (found, problem) = await ProjectsApi.FindAsync(id, caller, projects, audit, context, cancellationToken);
            if (found is null)
                return problem!;
        }
        var list = (await projects.ListAsync(fiscalYear, caller.Scope, cancellationToken)).Where(x => projectId is null || x.Id == projectId).ToList();
        var rows = (await actuals.CurrentRowsAsync(fiscalYear, p, caller.Scope, projectId, cancellationToken: cancellationToken))
            .ToLookup(r => r.ProjectId);
        var views = list.Select(x =>
        {
            var current = rows[x.Id].ToList();
            var first = current.FirstOrDefault();
            return new ProjectActualsView(x.Id, x.Department, x.Name, first?.UploadId, first?.FileName, first?.UploadedAt,
                current.Select(r => new CurrentValue(r.Line, r.IndicatorPath, r.RawValue, r.DeviationReason, r.DeviationType, r.Likelihood)).ToList());
        }).ToList();
        var history = await actuals.HistoryAsync(fiscalYear, p, projectId, caller.Scope, cancellationToken);
        return TypedResults.Ok(new ActualsView(fiscalYear, p.Code(), views,
            history.Select(u => new UploadHistoryEntry(u.Id, u.Source, u.FileName, u.Sha256, u.UploadedBy, u.UploadedAt, u.Rows, u.Projects, DownloadPath(u.Id))).ToList()));
    }

    /// <summary>The original bytes. A department key gets only uploads whose every row is its own (a finance upload may hold other departments' data).</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(
        long id, Caller caller, ActualsStore actuals, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var scope = await actuals.ScopeAsync(id, cancellationToken);
        if (scope is null)
            return Problems.NotFound($"上传 {id} 不存在");
        if (caller.IsDepartment && scope.Departments.Any(d => d != caller.DepartmentId))
            return await Problems.ForbiddenAsync(context, audit, caller, $"上传 {id} 含有其他主管部门的数据，您的主管部门（{caller.Department}）无权下载");
        var content = (await actuals.ContentAsync(id, cancellationToken))!;
        return TypedResults.File(content.Content, content.ContentType ?? "application/octet-stream", content.FileName);
    }

    public static string DownloadPath(long uploadId) => string.Create(CultureInfo.InvariantCulture, $"/api/actuals/uploads/{uploadId}/file");
}
