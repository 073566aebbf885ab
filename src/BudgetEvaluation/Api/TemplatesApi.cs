using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

public static class TemplatesApi
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static RouteGroupBuilder MapTemplatesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/templates").WithTags("填报模板").RequireAuthorization();
        group.MapGet("", GetAsync)
            .Produces(StatusCodes.Status200OK, contentType: XlsxContentType)
            .WithSummary("实际完成值填报模板（XLSX；format=csv 为 CSV）：每个指标一行，另加每个项目的执行数行")
            .WithDescription("主管部门只能取得本部门的模板（department 为其他部门时 403）；财政局与审计可按 department 取某一部门或全部。");
        return group;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAsync(
        string? year, string? period, string? department, string? format, Caller caller, ProjectStore store, StoredProjects projects,
        AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        if (Query.Year(year, out var fiscalYear) is { } badYear)
            return badYear;
        if (Query.Period(period, out var p) is { } badPeriod)
            return badPeriod;
        var extension = "." + (string.IsNullOrWhiteSpace(format) ? "xlsx" : format.Trim().ToLowerInvariant());
        if (!ActualsTemplate.TryFormat(extension, out var templateFormat))
            return Problems.BadRequest($"参数 format 的值“{format}”应为 xlsx 或 csv");
        var (departmentId, problem) = await Scope.DepartmentAsync(department, caller, store, audit, context, cancellationToken);
        if (problem is not null)
            return problem;
        var loaded = await projects.LoadAsync(fiscalYear, departmentId, cancellationToken: cancellationToken);
        if (loaded.Count == 0)
            return Problems.NotFound($"{fiscalYear} 年度{(departmentId is null ? "" : "该主管部门")}没有项目");

        using var stream = new MemoryStream();
        ActualsTemplate.Write(loaded.Select(x => x.Rules), p, templateFormat, stream);
        var scope = departmentId is null ? "" : "_" + loaded[0].Rules.Project.Department;
        return TypedResults.File(stream.ToArray(), templateFormat == TemplateFormat.Xlsx ? XlsxContentType : "text/csv; charset=utf-8",
            $"{p.Chinese()}实际完成值填报模板_{fiscalYear}{scope}{extension}");
    }
}
