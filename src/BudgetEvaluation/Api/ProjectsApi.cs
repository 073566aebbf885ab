using System.Globalization;
using System.Text.Json;
using BudgetEvaluation.Core.Review;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>A project with its current rules file, every version, and the target review of the current rules.</summary>
/// <param name="Findings">绩效目标审核 (<c>budgeteval lint</c>) of the current rules: severity 错误/警告/提示, indicator, rule, check, message.</param>
public sealed record ProjectDetail(
    long Id, int Year, string Department, string Name, int Version, JsonElement Rules, IReadOnlyList<RuleSetVersion> Versions,
    IReadOnlyList<Finding> Findings);

public static class ProjectsApi
{
    public static RouteGroupBuilder MapProjectsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/projects").WithTags("项目").RequireAuthorization();
        group.MapGet("", ListAsync)
            .WithSummary("项目列表及当前规则版本（主管部门只能看到本部门的项目）");
        group.MapGet("{id:long}", GetAsync)
            .WithSummary("项目、当前规则、规则版本历史与绩效目标审核结果");
        group.MapGet("{id:long}/rules/{version:int}", RulesAsync)
            .WithSummary("项目某一版本的规则文件");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<ProjectSummary>>, ProblemHttpResult>> ListAsync(
        string? year, Caller caller, ProjectStore projects, CancellationToken cancellationToken)
    {
        if (!TryParseYear(year, out var fiscalYear))
            return Problems.BadRequest($"参数 year 的值“{year}”不是有效的年度（例如 2026）");
        return TypedResults.Ok(await projects.ListAsync(fiscalYear, caller.Scope, cancellationToken));
    }

    public static async Task<Results<Ok<ProjectDetail>, ProblemHttpResult>> GetAsync(
        long id, Caller caller, ProjectStore projects, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var (project, problem) = await FindAsync(id, caller, projects, audit, context, cancellationToken);
        if (project is null)
            return problem!;
        var versions = await projects.VersionsAsync(id, cancellationToken);
        var rules = await projects.RulesTextAsync(id, null, cancellationToken);
        using var document = JsonDocument.Parse(rules!);
        var findings = TargetReview.Review(RulesFile.Read(rules!));
        return TypedResults.Ok(new ProjectDetail(project.Id, project.Year, project.Department, project.Name,
            versions[^1].Version, document.RootElement.Clone(), versions, findings));
    }

    public static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> RulesAsync(
        long id, int version, Caller caller, ProjectStore projects, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var (project, problem) = await FindAsync(id, caller, projects, audit, context, cancellationToken);
        if (project is null)
            return problem!;
        var rules = await projects.RulesTextAsync(id, version, cancellationToken);
        if (rules is null)
            return Problems.NotFound($"项目“{project.Name}”没有第 {version} 版规则");
        using var document = JsonDocument.Parse(rules);
        return TypedResults.Ok(document.RootElement.Clone());
    }

    /// <summary>The project if it exists and is in the caller's scope; else the 404 or 403 to return.</summary>
    internal static async Task<(ProjectRecord? Project, ProblemHttpResult? Problem)> FindAsync(
        long id, Caller caller, ProjectStore projects, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var project = await projects.GetAsync(id, cancellationToken);
        if (project is null)
            return (null, Problems.NotFound($"项目 {id} 不存在"));
        if (!caller.CanAccess(project.DepartmentId))
            return (null, await Problems.ForbiddenAsync(context, audit, caller, $"项目 {id} 不属于您的主管部门（{caller.Department}）"));
        return (project, null);
    }

    internal static bool TryParseYear(string? text, out int? year)
    {
        year = null;
        if (string.IsNullOrWhiteSpace(text))
            return true;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 2000 and <= 2100)
        {
            year = y;
            return true;
        }
        return false;
    }
}
