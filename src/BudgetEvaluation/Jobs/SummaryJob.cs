using System.ComponentModel;
using System.Text.Json;
using BudgetEvaluation.Data;
using Dapper;
using Hangfire;
using Npgsql;

namespace BudgetEvaluation.Jobs;

/// <summary>A project whose actuals are incomplete: none stored at all, or some indicators without a value (一级/二级/三级).</summary>
public sealed record MissingActuals(long ProjectId, string Project, bool NoActuals, IReadOnlyList<string> Indicators);

/// <summary>One department's part of a run's summary.</summary>
/// <param name="Grades">Results per grade (year-end: 优 良 中 差).</param>
/// <param name="Warnings">Results per warning level (mid-year: green yellow red).</param>
public sealed record DepartmentSummary(
    long DepartmentId, string Department, string Status, bool Late, string? Error, int Projects, int Scored,
    IReadOnlyDictionary<string, int> Grades, IReadOnlyDictionary<string, int> Warnings,
    IReadOnlyList<MissingActuals> MissingActuals, IReadOnlyList<ProjectError> ProjectErrors);

/// <summary>The bureau-wide summary of a finished run, stored on it (<c>evaluation_runs.summary</c>).</summary>
/// <param name="WithMissingActuals">Projects with no actuals or some indicators without one.</param>
public sealed record RunSummary(
    int Projects, int Scored, int WithMissingActuals,
    IReadOnlyDictionary<string, int> Grades, IReadOnlyDictionary<string, int> Warnings,
    IReadOnlyList<string> LateDepartments, IReadOnlyList<string> FailedDepartments,
    IReadOnlyList<DepartmentSummary> Departments)
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The summary as built from some departments' parts (all of them, or one department's for its own key).</summary>
    public static RunSummary From(IReadOnlyList<DepartmentSummary> departments) => new(
        departments.Sum(d => d.Projects),
        departments.Sum(d => d.Scored),
        departments.Sum(d => d.MissingActuals.Count),
        Add(departments.Select(d => d.Grades)),
        Add(departments.Select(d => d.Warnings)),
        departments.Where(d => d.Late).Select(d => d.Department).ToList(),
        departments.Where(d => d.Status == DepartmentStatus.Failed).Select(d => d.Department).ToList(),
        departments);

    /// <summary>The part a department's key may see: its own department only.</summary>
    public RunSummary For(long departmentId) => From(Departments.Where(d => d.DepartmentId == departmentId).ToList());

    private static SortedDictionary<string, int> Add(IEnumerable<IReadOnlyDictionary<string, int>> counts)
    {
        var total = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in counts.SelectMany(c => c))
            total[key] = total.GetValueOrDefault(key) + count;
        return total;
    }
}

/// <summary>
/// The run's last job: the bureau-wide summary from the stored results, stored on the run, which then is finished —
/// succeeded, or failed naming the departments that failed.
/// </summary>
/// <remarks>Idempotent: it reads only stored rows and overwrites the summary, so running it twice changes nothing.</remarks>
public sealed partial class SummaryJob(
    NpgsqlDataSource dataSource,
    EvaluationStore runs,
    RunDepartmentStore departments,
    AuditLog audit,
    ILogger<SummaryJob> logger)
{
    // As DepartmentJob: a database restart or outage of up to 20 minutes must not leave the run unfinished.
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 15, 60, 300, 900])]
    [DisplayName("评分：运行 {0} 汇总")]
    public async Task RunAsync(long runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetRunAsync(runId, cancellationToken);
        if (run is null)
            return;
        var parts = await departments.ListAsync(runId, cancellationToken: cancellationToken);
        if (parts.Any(d => !DepartmentStatus.IsFinished(d.Status)))
        {
            // Enqueued twice or by hand: the department that finishes last enqueues it again.
            Log.NotYet(logger, runId);
            return;
        }
        var summary = RunSummary.From(await BuildAsync(runId, parts, cancellationToken));
        var error = summary.FailedDepartments.Count > 0
            ? $"以下主管部门评分失败：{string.Join("；", parts.Where(d => d.Status == DepartmentStatus.Failed).Select(d => $"{d.Department}（{d.Error}）"))}"
            : null;
        await runs.FinishWithSummaryAsync(runId, JsonSerializer.Serialize(summary, RunSummary.Json), error, cancellationToken);
        await audit.WriteAsync(Actor.System, "evaluations.finish", AuditOutcome.Succeeded, $"evaluation_run:{runId}",
            new { run.Year, run.Period, summary.Projects, summary.Scored, summary.WithMissingActuals, summary.LateDepartments, summary.FailedDepartments },
            cancellationToken);
        Log.Finished(logger, runId, summary.Scored, summary.LateDepartments.Count, summary.FailedDepartments.Count);
    }

    private sealed record ResultRow(long ProjectId, string Project, long DepartmentId, bool HasActuals, string? Grade, string? Warning, string Missing);

    private async Task<List<DepartmentSummary>> BuildAsync(long runId, IReadOnlyList<RunDepartment> parts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ResultRow>(new CommandDefinition(
            """
            SELECT p.id AS project_id, p.name AS project, p.department_id, r.upload_id IS NOT NULL AS has_actuals, r.grade, r.warning,
                   r.missing::text AS missing
            FROM evaluation_results r JOIN projects p ON p.id = r.project_id
            WHERE r.run_id = @runId
            ORDER BY p.id
            """,
            new { runId }, cancellationToken: cancellationToken))).AsList();
        // By department once: a province's run has hundreds of departments and 100 000 rows.
        var byDepartment = rows.ToLookup(r => r.DepartmentId);
        return parts.Select(d =>
        {
            var mine = byDepartment[d.DepartmentId].ToList();
            var errors = JsonSerializer.Deserialize<List<ProjectError>>(d.ProjectErrors, RunSummary.Json) ?? [];
            var missing = mine
                .Select(r => new MissingActuals(r.ProjectId, r.Project, !r.HasActuals, JsonSerializer.Deserialize<List<string>>(r.Missing) ?? []))
                .Where(m => m.NoActuals || m.Indicators.Count > 0)
                .ToList();
            return new DepartmentSummary(d.DepartmentId, d.Department, d.Status, d.Late, d.Error, mine.Count + errors.Count, mine.Count,
                Count(mine.Select(r => r.Grade)), Count(mine.Select(r => r.Warning)), missing, errors);
        }).ToList();
    }

    private static SortedDictionary<string, int> Count(IEnumerable<string?> values) =>
        new(values.OfType<string>().GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(1421, LogLevel.Information, "Evaluation run {RunId}: summary waits for departments still running")]
        public static partial void NotYet(ILogger logger, long runId);

        [LoggerMessage(1402, LogLevel.Information, "Evaluation run {RunId} finished: {Projects} projects scored, {Late} departments late, {Failed} failed")]
        public static partial void Finished(ILogger logger, long runId, int projects, int late, int failed);
    }
}
