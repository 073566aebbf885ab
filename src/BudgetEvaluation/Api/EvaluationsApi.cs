using System.Globalization;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs;
using BudgetEvaluation.Scoring;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>A scoring run and how far it got (counts within the caller's scope).</summary>
/// <param name="Problems">Stored actuals rows that did not fit the rules the run used (targets re-imported after the upload); they scored as 未填报.</param>
public sealed record EvaluationRunView(
    long Id, int Year, string Period, DateOnly AsOf, string Scheme, string Status, string RequestedBy, DateTime RequestedAt,
    DateTime? StartedAt, DateTime? FinishedAt, string? Error, int Projects, int Results, int WithoutActuals, int WithProblems, string ResultsUrl,
    IReadOnlyList<RunProblem> Problems);

public static class EvaluationsApi
{
    public static RouteGroupBuilder MapEvaluationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/evaluations").WithTags("评分").RequireAuthorization();
        group.MapPost("", StartAsync)
            .RequireAuthorization(Policies.Finance)
            .WithSummary("发起评分（后台作业）：返回 202 与运行编号，进度见 Location")
            .WithDescription("对该年度每个项目，用发起时的当前规则与当前实际完成值评分。asOf 为评价时点（默认半年 6 月 30 日、全年 12 月 31 日），scheme 为评分方案名（schemes/<名称>.json，默认 default）。");
        group.MapGet("{id:long}", StatusAsync)
            .WithSummary("评分运行的状态：queued、running、succeeded 或 failed，及项目数与已完成结果数");
        group.MapGet("", ResultsAsync)
            .Produces<IReadOnlyList<ProjectEvaluation>>()
            .WithSummary("最近一次成功评分（或 run 指定的运行）的结果，格式同 budgeteval score --format json（主管部门只含本部门项目）");
        return group;
    }

    public static async Task<Results<Accepted<EvaluationRunView>, ProblemHttpResult>> StartAsync(
        string? year, string? period, string? asOf, string? scheme, Caller caller, EvaluationStore runs, ProjectStore projects,
        SchemeCatalog schemes, IBackgroundJobClient jobs, CancellationToken cancellationToken)
    {
        if (Query.Year(year, out var fiscalYear) is { } badYear)
            return badYear;
        if (Query.Period(period, out var p) is { } badPeriod)
            return badPeriod;
        if (Query.Date("asOf", asOf, out var date) is { } badDate)
            return badDate;
        var schemeName = string.IsNullOrWhiteSpace(scheme) ? SchemeCatalog.DefaultName : scheme.Trim();
        try
        {
            if (schemes.Find(schemeName) is null)
                return Problems.BadRequest($"没有评分方案“{schemeName}”；可用的方案：{string.Join("、", schemes.Names())}");
        }
        catch (FormatException ex)
        {
            return Problems.BadRequest(ex.Message);
        }
        if ((await projects.ListAsync(fiscalYear, null, cancellationToken)).Count == 0)
            return Problems.BadRequest($"{fiscalYear} 年度没有任何项目：请先导入目标表（POST /api/targets）");

        var runId = await runs.CreateRunAsync(fiscalYear, p, date ?? Evaluator.DefaultAsOf(fiscalYear, p), schemeName, caller.Actor, cancellationToken);
        try
        {
            var jobId = jobs.Enqueue<EvaluationJob>(job => job.RunAsync(runId, CancellationToken.None));
            await runs.SetJobAsync(runId, jobId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A run nobody will pick up must not stay "queued".
            await runs.MarkFinishedAsync(runId, $"无法加入作业队列：{ex.Message}", CancellationToken.None);
            throw;
        }
        var view = await ViewAsync(runs, runId, caller.Scope, cancellationToken);
        return TypedResults.Accepted(StatusPath(runId), view!);
    }

    public static async Task<Results<Ok<EvaluationRunView>, ProblemHttpResult>> StatusAsync(
        long id, Caller caller, EvaluationStore runs, CancellationToken cancellationToken) =>
        await ViewAsync(runs, id, caller.Scope, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound($"评分运行 {id} 不存在");

    /// <summary>The stored evaluations as <see cref="EvaluationJson"/> writes them, byte for byte the CLI's format; the run in <c>X-Evaluation-Run</c>.</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ResultsAsync(
        string? year, string? period, string? run, Caller caller, EvaluationStore runs, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, problem) = await RunResults.LoadAsync(year, period, run, caller.Scope, runs, cancellationToken);
        if (found is null)
            return problem!;
        context.Response.Headers[RunResults.RunHeader] = found.Run.Id.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Text(EvaluationJson.Serialize(found.Evaluations) + "\n", "application/json", System.Text.Encoding.UTF8);
    }

    private static async Task<EvaluationRunView?> ViewAsync(EvaluationStore runs, long id, long? departmentId, CancellationToken cancellationToken)
    {
        var run = await runs.GetRunAsync(id, cancellationToken);
        if (run is null)
            return null;
        var counts = await runs.CountsAsync(id, departmentId, cancellationToken);
        var problems = counts.WithProblems > 0 ? await runs.ProblemsAsync(id, departmentId, cancellationToken) : [];
        return new EvaluationRunView(run.Id, run.Year, run.Period, run.AsOf, run.Scheme, run.Status, run.RequestedBy, run.RequestedAt,
            run.StartedAt, run.FinishedAt, run.Error, counts.Projects, counts.Results, counts.WithoutActuals, counts.WithProblems,
            string.Create(CultureInfo.InvariantCulture, $"/api/evaluations?run={run.Id}"), problems);
    }

    public static string StatusPath(long runId) => string.Create(CultureInfo.InvariantCulture, $"/api/evaluations/{runId}");
}
