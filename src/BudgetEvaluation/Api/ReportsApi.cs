using System.Globalization;
using BudgetEvaluation.Core.Reports;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

public static class ReportsApi
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["html"] = "text/html; charset=utf-8",
        ["xlsx"] = TemplatesApi.XlsxContentType,
        ["json"] = "application/json; charset=utf-8",
    };

    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/reports").WithTags("报告").RequireAuthorization();
        group.MapGet("", GetAsync)
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .WithSummary("评分报告：项目支出绩效自评表或绩效运行监控表（format=html、xlsx 或 json；默认 html）")
            .WithDescription("取最近一次成功评分（或 run 指定的运行）；project 为项目编号，department 为主管部门名称，两者至多给一个；主管部门只能取本部门的报告。");
        return group;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAsync(
        string? year, string? period, string? project, string? department, string? format, string? run, Caller caller,
        ProjectStore projects, EvaluationStore runs, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(format) ? "html" : format.Trim().ToLowerInvariant();
        var writer = ReportWriters.Find(name);
        if (writer is null)
            return Problems.BadRequest($"参数 format 的值“{format}”应为 {string.Join("、", ReportWriters.Formats)}");
        if (!string.IsNullOrWhiteSpace(project) && !string.IsNullOrWhiteSpace(department))
            return Problems.BadRequest("参数 project 与 department 至多给一个");
        if (Query.Id("project", project, out var projectId) is { } badProject)
            return badProject;

        long? departmentId;
        if (projectId is { } id)
        {
            var (found, problem) = await ProjectsApi.FindAsync(id, caller, projects, audit, context, cancellationToken);
            if (found is null)
                return problem!;
            departmentId = found.DepartmentId;
        }
        else
        {
            var (scoped, problem) = await Scope.DepartmentAsync(department, caller, projects, audit, context, cancellationToken);
            if (problem is not null)
                return problem;
            departmentId = scoped;
        }

        var (results, runProblem) = await RunResults.LoadAsync(year, period, run, departmentId, runs, cancellationToken);
        if (results is null)
            return runProblem!;
        var evaluations = projectId is null
            ? results.Evaluations
            : results.Evaluations.Where((_, i) => results.Results[i].ProjectId == projectId).ToList();
        if (evaluations.Count == 0)
            return Problems.NotFound($"评分运行 {results.Run.Id} 中没有{(projectId is null ? "所选范围内" : $"项目 {projectId} ")}的评分结果");

        using var stream = new MemoryStream();
        writer(evaluations, results.Period, stream);
        context.Response.Headers[RunResults.RunHeader] = results.Run.Id.ToString(CultureInfo.InvariantCulture);
        // HTML and JSON open in the browser; the workbook downloads under its table's name.
        var fileName = name == "xlsx"
            ? string.Create(CultureInfo.InvariantCulture, $"{ReportFormat.TableTitle(results.Period)}_{results.Run.Year}_运行{results.Run.Id}.xlsx")
            : null;
        return TypedResults.File(stream.ToArray(), ContentTypes[name], fileName);
    }
}
