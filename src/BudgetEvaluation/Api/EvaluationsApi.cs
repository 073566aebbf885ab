using System.Globalization;
using System.Text.Json;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs;
using BudgetEvaluation.Scoring;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>A scoring run and how far it got (counts within the caller's scope).</summary>
/// <param name="Problems">Stored actuals rows that did not fit the rules the run used (targets re-imported after the upload); they scored as 未填报.</param>
/// <param name="Trigger">What started the run: <c>api</c>, <c>demo</c> or a recurring job's id (<c>mid-year-2026</c>).</param>
/// <param name="Departments">Each department's part (a department key: its own).</param>
/// <param name="Summary">Once the run finished: counts per grade and warning, per department, late departments, projects with missing actuals.</param>
public sealed record EvaluationRunView(
    long Id, int Year, string Period, DateOnly AsOf, string Scheme, string Status, string RequestedBy, DateTime RequestedAt,
    DateTime? StartedAt, DateTime? FinishedAt, string? Error, int Projects, int Results, int WithoutActuals, int WithProblems, string ResultsUrl,
    IReadOnlyList<RunProblem> Problems, string Trigger, IReadOnlyList<RunDepartmentView> Departments, RunSummary? Summary);

/// <summary>A department's part of a run.</summary>
/// <param name="Status">queued, pulling, retrying, scoring, succeeded, late or failed.</param>
/// <param name="Late">A source could not be reached: while its retries wait, and after they ran out (then scored with the stored actuals).</param>
/// <param name="Error">Why it is late, retrying or failed.</param>
/// <param name="PulledFiles">The files the sources brought at its last pull: source, fileName, outcome, uploadId, errors.</param>
public sealed record RunDepartmentView(
    long DepartmentId, string Department, string Status, bool Late, int Attempts, string? Error,
    IReadOnlyList<ProjectError> ProjectErrors, JsonElement PulledFiles, DateTime? StartedAt, DateTime? FinishedAt);

public static class EvaluationsApi
{
    public static RouteGroupBuilder MapEvaluationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/evaluations").WithTags("评分").RequireAuthorization();
        group.MapPost("", StartAsync)
            .RequireAuthorization(Policies.Finance)
            .WithSummary("发起评分（后台作业）：返回 202 与运行编号，进度见 Location")
            .WithDescription("每个主管部门一个后台作业：先从已配置的数据来源拉取实际完成值，再用发起时的当前规则与拉取完成时已存储的实际完成值评分；全部完成后生成汇总。asOf 为评价时点（默认半年 6 月 30 日、全年 12 月 31 日），scheme 为评分方案名（schemes/<名称>.json，默认 default）。");
        group.MapGet("{id:long}", StatusAsync)
            .WithSummary("评分运行的状态：queued、running、succeeded 或 failed，项目数与已完成结果数，各主管部门的进度（late：数据来源未按时取得），完成后的汇总");
        group.MapGet("", ResultsAsync)
            .Produces<IReadOnlyList<ProjectEvaluation>>()
            .WithSummary("最近一次成功评分（或 run 指定的运行）的结果，格式同 budgeteval score --format json（主管部门只含本部门项目）");
        return group;
    }

    public static async Task<Results<Accepted<EvaluationRunView>, ProblemHttpResult>> StartAsync(
        string? year, string? period, string? asOf, string? scheme, Caller caller, EvaluationStore runs, RunDepartmentStore departments, ProjectStore projects,
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
            // The coordinator: it records the run's departments and enqueues one job per department.
            var jobId = jobs.Enqueue<EvaluationJob>(job => job.RunAsync(runId, CancellationToken.None));
            await runs.SetJobAsync(runId, jobId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A run nobody will pick up must not stay "queued".
            await runs.MarkFinishedAsync(runId, $"无法加入作业队列：{ex.Message}", CancellationToken.None);
            throw;
        }
        var view = await ViewAsync(runs, departments, runId, caller.Scope, cancellationToken);
        return TypedResults.Accepted(StatusPath(runId), view!);
    }

    public static async Task<Results<Ok<EvaluationRunView>, ProblemHttpResult>> StatusAsync(
        long id, Caller caller, EvaluationStore runs, RunDepartmentStore departments, CancellationToken cancellationToken) =>
        await ViewAsync(runs, departments, id, caller.Scope, cancellationToken) is { } view
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

    private static async Task<EvaluationRunView?> ViewAsync(
        EvaluationStore runs, RunDepartmentStore departments, long id, long? departmentId, CancellationToken cancellationToken)
    {
        var run = await runs.GetRunAsync(id, cancellationToken);
        if (run is null)
            return null;
        var counts = await runs.CountsAsync(id, departmentId, cancellationToken);
        var problems = counts.WithProblems > 0 ? await runs.ProblemsAsync(id, departmentId, cancellationToken) : [];
        var parts = (await departments.ListAsync(id, departmentId, cancellationToken)).Select(d => new RunDepartmentView(
            d.DepartmentId, d.Department, d.Status, d.Late || d.Status == DepartmentStatus.Late, d.Attempts, d.Error,
            JsonSerializer.Deserialize<List<ProjectError>>(d.ProjectErrors, RunSummary.Json) ?? [],
            JsonDocument.Parse(d.PulledFiles).RootElement.Clone(), d.StartedAt, d.FinishedAt)).ToList();
        var summary = run.Summary is null ? null : JsonSerializer.Deserialize<RunSummary>(run.Summary, RunSummary.Json);
        if (summary is not null && departmentId is { } own)
            summary = summary.For(own);
        return new EvaluationRunView(run.Id, run.Year, run.Period, run.AsOf, run.Scheme, run.Status, run.RequestedBy, run.RequestedAt,
            run.StartedAt, run.FinishedAt, run.Error, counts.Projects, counts.Results, counts.WithoutActuals, counts.WithProblems,
            string.Create(CultureInfo.InvariantCulture, $"/api/evaluations?run={run.Id}"), problems, run.Trigger, parts, summary);
    }

    public static string StatusPath(long runId) => string.Create(CultureInfo.InvariantCulture, $"/api/evaluations/{runId}");
}
