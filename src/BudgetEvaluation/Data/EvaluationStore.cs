using System.Text.Json;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;
using Dapper;
using Npgsql;

namespace BudgetEvaluation.Data;

public static class RunStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <param name="Trigger">What started the run: <c>api</c>, <c>demo</c>, or the recurring job's id (<c>mid-year-2026</c>).</param>
/// <param name="Summary">The bureau-wide summary (<see cref="Jobs.RunSummary"/> as JSON) once the run finished.</param>
public sealed record EvaluationRun(
    long Id, int Year, string Period, DateOnly AsOf, string Scheme, string Status, string RequestedBy, DateTime RequestedAt,
    DateTime? StartedAt, DateTime? FinishedAt, string? HangfireJobId, string? Error, string Trigger = "api", string? Summary = null);

/// <summary>One indicator's line in a result (the <c>indicator_scores</c> view over the stored result); a result lists them in the table's order.</summary>
public sealed record IndicatorScoreRecord(
    string IndicatorPath, string Target, string? Actual, decimal? Points, decimal? Score, string? Status, string? Warning, string Explanation);

/// <summary>A project's result in a run, with the rules version and upload it used.</summary>
/// <param name="ResultJson">
/// The project's result as <c>budgeteval score --format json</c> writes it (one line is enough), in UTF-8: serialized
/// as bytes and sent as bytes, a run's 100 000 results are never UTF-16 strings (a tenth of what a run allocated).
/// </param>
/// <param name="Missing">The indicators without an actual (一级/二级/三级), for the run's summary.</param>
/// <param name="Problems">Rows of the upload that did not fit the rules used (scored as not reported).</param>
public sealed record ProjectResult(
    long ProjectId, long RuleSetId, long? UploadId, decimal? Total, string? Grade, string? Warning, byte[] ResultJson,
    IReadOnlyList<string> Missing, IReadOnlyList<ImportError>? Problems = null);

/// <summary>A stored result, as read back.</summary>
/// <param name="Problems">JSON array of {file, line, field, message}.</param>
public sealed record StoredResult(long Id, long RunId, long ProjectId, long RuleSetId, long? UploadId, decimal? Total, string? Grade, string? Warning, string Result, DateTime CreatedAt, string Problems);

/// <summary>A stored actuals row that did not fit the rules a run used (scored as not reported).</summary>
public sealed record RunProblem(long ProjectId, string Project, string File, int Line, string Field, string Message);

/// <summary>How far a run got, within a caller's scope.</summary>
/// <param name="Projects">Projects of the run's year that had rules when it was requested.</param>
/// <param name="Results">Results stored so far.</param>
/// <param name="WithoutActuals">Results of projects that had no actuals for the period.</param>
/// <param name="WithProblems">Results for which some stored actuals did not fit the rules.</param>
public sealed record RunCounts(int Projects, int Results, int WithoutActuals, int WithProblems);

/// <summary>Evaluation runs and their per-project results.</summary>
public sealed class EvaluationStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records a requested run (status queued) and its audit entry; returns its id.</summary>
    public async Task<long> CreateRunAsync(int year, Period period, DateOnly asOf, string scheme, Actor actor, CancellationToken cancellationToken = default) =>
        await CreateRunAsync(year, period, asOf, scheme, actor, "api", cancellationToken);

    /// <summary>Records a requested run with what started it (<paramref name="trigger"/>: api, demo, a recurring job's id).</summary>
    public async Task<long> CreateRunAsync(int year, Period period, DateOnly asOf, string scheme, Actor actor, string trigger, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO fiscal_years (year) VALUES (@year) ON CONFLICT DO NOTHING", new { year }, transaction, cancellationToken: cancellationToken));
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO evaluation_runs (year, period, as_of, scheme, requested_by, trigger)
            VALUES (@year, @period, @asOf, @scheme, @requestedBy, @trigger)
            RETURNING id
            """,
            new { year, period = period.Code(), asOf, scheme, requestedBy = actor.Id, trigger }, transaction, cancellationToken: cancellationToken));
        await AuditLog.WriteAsync(connection, transaction, actor, "evaluations.start", AuditOutcome.Succeeded, $"evaluation_run:{id}",
            new { year, period = period.Code(), asOf = asOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), scheme, trigger }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    public async Task SetJobAsync(long runId, string hangfireJobId, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE evaluation_runs SET hangfire_job_id = @hangfireJobId WHERE id = @runId", new { runId, hangfireJobId }, cancellationToken);

    /// <summary>Marks a run running; a retried job calls it again, which keeps the first start time.</summary>
    public async Task MarkRunningAsync(long runId, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE evaluation_runs SET status = 'running', started_at = coalesce(started_at, now()), finished_at = NULL, error = NULL WHERE id = @runId",
            new { runId }, cancellationToken);

    public async Task MarkFinishedAsync(long runId, string? error, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE evaluation_runs SET status = @status, finished_at = now(), error = @error WHERE id = @runId",
            new { runId, status = error is null ? RunStatus.Succeeded : RunStatus.Failed, error }, cancellationToken);

    public async Task<EvaluationRun?> GetRunAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EvaluationRun>(new CommandDefinition(
            SelectRuns + " WHERE id = @runId", new { runId }, cancellationToken: cancellationToken));
    }

    /// <summary>The latest run a trigger (a recurring job's id) started, if any.</summary>
    public async Task<EvaluationRun?> LatestByTriggerAsync(string trigger, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EvaluationRun>(new CommandDefinition(
            SelectRuns + " WHERE trigger = @trigger ORDER BY id DESC LIMIT 1", new { trigger }, cancellationToken: cancellationToken));
    }

    /// <summary>The latest run of a year and period that succeeded, if any.</summary>
    public async Task<EvaluationRun?> LatestSucceededRunAsync(int year, Period period, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EvaluationRun>(new CommandDefinition(
            SelectRuns + " WHERE year = @year AND period = @period AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
            new { year, period = period.Code() }, cancellationToken: cancellationToken));
    }

    /// <summary>Writes one project's result in a run (see <see cref="SaveResultsAsync"/>).</summary>
    public Task SaveResultAsync(long runId, ProjectResult result, CancellationToken cancellationToken = default) =>
        SaveResultsAsync(runId, null, [result], cancellationToken);

    /// <summary>
    /// Writes a chunk of results of a run in one transaction with one statement (arrays unnested server-side). Keyed
    /// by run and project: a retried or re-run job updates its earlier rows in place (same ids), so the run ends with
    /// the same rows and no duplicates.
    /// </summary>
    /// <remarks>
    /// <para>With <paramref name="departmentId"/> the department's row of the run is locked first, so two jobs of one
    /// department (a re-run racing a retry) write one after the other instead of colliding on the key.</para>
    /// <para>The result is the only copy of the indicator scores (the <c>indicator_scores</c> view reads them from
    /// it): PostgreSQL runs on the cores that score, so a result costs one row (migration 0004).</para>
    /// </remarks>
    public async Task SaveResultsAsync(long runId, long? departmentId, IReadOnlyList<ProjectResult> results, CancellationToken cancellationToken = default)
    {
        if (results.Count == 0)
            return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var projects = results.Select(r => r.ProjectId).ToArray();
        RunCounts? before = null;
        if (departmentId is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT 1 FROM run_departments WHERE run_id = @runId AND department_id = @departmentId FOR UPDATE",
                new { runId, departmentId }, transaction, cancellationToken: cancellationToken));
            // What this chunk's projects already had in the run (a retry or re-run replaces them): the department's
            // counts change by the difference, so they stay exact without recounting the department.
            before = await connection.QuerySingleAsync<RunCounts>(new CommandDefinition(
                $"SELECT 0 AS projects, {CountColumns} FROM evaluation_results r WHERE r.run_id = @runId AND r.project_id = ANY(@projects)",
                new { runId, projects }, transaction, cancellationToken: cancellationToken));
        }
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO evaluation_results (run_id, project_id, rule_set_id, upload_id, total, grade, warning, result, missing, problems)
            SELECT @runId, x.project_id, x.rule_set_id, x.upload_id, x.total, x.grade, x.warning,
                   CAST(convert_from(x.result, 'UTF8') AS json), CAST(x.missing AS jsonb), CAST(x.problems AS jsonb)
            FROM unnest(@projects, @ruleSets, @uploads, @totals, @grades, @warnings, @results, @missing, @problems)
                 AS x(project_id, rule_set_id, upload_id, total, grade, warning, result, missing, problems)
            ON CONFLICT (run_id, project_id) DO UPDATE SET
                rule_set_id = EXCLUDED.rule_set_id, upload_id = EXCLUDED.upload_id, total = EXCLUDED.total, grade = EXCLUDED.grade,
                warning = EXCLUDED.warning, result = EXCLUDED.result, missing = EXCLUDED.missing, problems = EXCLUDED.problems
            """,
            new
            {
                runId,
                projects,
                ruleSets = results.Select(r => r.RuleSetId).ToArray(),
                uploads = results.Select(r => r.UploadId).ToArray(),
                totals = results.Select(r => r.Total).ToArray(),
                grades = results.Select(r => r.Grade).ToArray(),
                warnings = results.Select(r => r.Warning).ToArray(),
                results = results.Select(r => r.ResultJson).ToArray(),
                missing = results.Select(r => JsonSerializer.Serialize(r.Missing, ProblemsJson)).ToArray(),
                problems = results.Select(r => JsonSerializer.Serialize(r.Problems ?? [], ProblemsJson)).ToArray(),
            },
            transaction, cancellationToken: cancellationToken));
        if (before is not null)
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE run_departments
                SET results = results + @results, without_actuals = without_actuals + @withoutActuals, with_problems = with_problems + @withProblems
                WHERE run_id = @runId AND department_id = @departmentId
                """,
                new
                {
                    runId,
                    departmentId,
                    results = results.Count - before.Results,
                    withoutActuals = results.Count(r => r.UploadId is null) - before.WithoutActuals,
                    withProblems = results.Count(r => r.Problems is { Count: > 0 }) - before.WithProblems,
                },
                transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private const string CountColumns = """
        count(r.id)::int AS results,
        count(r.id) FILTER (WHERE r.upload_id IS NULL)::int AS without_actuals,
        count(r.id) FILTER (WHERE jsonb_array_length(r.problems) > 0)::int AS with_problems
        """;

    /// <summary>Stores the run's summary and marks it finished: succeeded, or failed with <paramref name="error"/>.</summary>
    public async Task FinishWithSummaryAsync(long runId, string summary, string? error, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            """
            UPDATE evaluation_runs SET summary = CAST(@summary AS jsonb), status = @status, finished_at = now(), error = @error
            WHERE id = @runId
            """,
            new { runId, summary, status = error is null ? RunStatus.Succeeded : RunStatus.Failed, error }, cancellationToken);

    /// <summary>The results of a run, optionally one department's, in project order.</summary>
    public async Task<IReadOnlyList<StoredResult>> ResultsAsync(long runId, long? departmentId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredResult>(new CommandDefinition(
            """
            SELECT r.id, r.run_id, r.project_id, r.rule_set_id, r.upload_id, r.total, r.grade, r.warning, r.result::text AS result, r.created_at,
                   r.problems::text AS problems
            FROM evaluation_results r JOIN projects p ON p.id = r.project_id
            WHERE r.run_id = @runId AND (CAST(@departmentId AS bigint) IS NULL OR p.department_id = @departmentId)
            ORDER BY r.project_id
            """,
            new { runId, departmentId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>A run's progress: its projects and the results stored so far, optionally one department's.</summary>
    /// <remarks>
    /// Summed over the run's departments (their counts are kept as results are stored, migration 0006), so a status
    /// poll costs the same at 100 000 results as at 10; counted from the results only while the run has no departments
    /// recorded (queued, or results stored outside a department job).
    /// </remarks>
    public async Task<RunCounts> CountsAsync(long runId, long? departmentId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var kept = await connection.QuerySingleOrDefaultAsync<RunCounts>(new CommandDefinition(
            """
            SELECT sum(projects)::int AS projects, sum(results)::int AS results, sum(without_actuals)::int AS without_actuals,
                   sum(with_problems)::int AS with_problems
            FROM run_departments
            WHERE run_id = @runId AND (CAST(@departmentId AS bigint) IS NULL OR department_id = @departmentId)
            HAVING count(*) > 0
            """,
            new { runId, departmentId }, cancellationToken: cancellationToken));
        if (kept is not null)
            return kept;
        return await connection.QuerySingleAsync<RunCounts>(new CommandDefinition(
            $"""
            SELECT
                (SELECT count(*)::int FROM projects p
                 WHERE p.year = e.year AND (CAST(@departmentId AS bigint) IS NULL OR p.department_id = @departmentId)
                   AND EXISTS (SELECT 1 FROM rule_sets s WHERE s.project_id = p.id AND s.created_at <= e.requested_at)) AS projects,
                {CountColumns}
            FROM evaluation_runs e
            LEFT JOIN (evaluation_results r JOIN projects rp ON rp.id = r.project_id)
                   ON r.run_id = e.id AND (CAST(@departmentId AS bigint) IS NULL OR rp.department_id = @departmentId)
            WHERE e.id = @runId
            GROUP BY e.id
            """,
            new { runId, departmentId }, cancellationToken: cancellationToken));
    }

    /// <summary>Every problem recorded with a run's results, optionally one department's, by project and line.</summary>
    public async Task<IReadOnlyList<RunProblem>> ProblemsAsync(long runId, long? departmentId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RunProblem>(new CommandDefinition(
            """
            SELECT r.project_id, p.name AS project, e ->> 'file' AS file, (e ->> 'line')::int AS line, e ->> 'field' AS field, e ->> 'message' AS message
            FROM evaluation_results r
            JOIN projects p ON p.id = r.project_id
            CROSS JOIN LATERAL jsonb_array_elements(r.problems) e
            WHERE r.run_id = @runId AND (CAST(@departmentId AS bigint) IS NULL OR p.department_id = @departmentId)
            ORDER BY r.project_id, (e ->> 'line')::int
            """,
            new { runId, departmentId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>A result's indicator scores, 项目资金 first, read from the stored result.</summary>
    public async Task<IReadOnlyList<IndicatorScoreRecord>> IndicatorScoresAsync(long resultId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<IndicatorScoreRecord>(new CommandDefinition(
            """
            SELECT indicator_path, target, actual, points, score, status, warning, explanation
            FROM indicator_scores WHERE result_id = @resultId ORDER BY position
            """,
            new { resultId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private static readonly JsonSerializerOptions ProblemsJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private const string SelectRuns = """
        SELECT id, year, period, as_of, scheme, status, requested_by, requested_at, started_at, finished_at, hangfire_job_id, error,
               trigger, summary::text AS summary
        FROM evaluation_runs
        """;

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }
}
