using Dapper;
using Npgsql;

namespace BudgetEvaluation.Data;

/// <summary>A department's part of a run (<c>run_departments.status</c>).</summary>
public static class DepartmentStatus
{
    public const string Queued = "queued";
    public const string Pulling = "pulling";
    /// <summary>A source was down or the attempt failed; a retry is scheduled.</summary>
    public const string Retrying = "retrying";
    public const string Scoring = "scoring";
    public const string Succeeded = "succeeded";
    /// <summary>Finished: a source stayed down after every retry, so the projects were scored with the actuals already stored.</summary>
    public const string Late = "late";
    public const string Failed = "failed";

    public static bool IsFinished(string status) => status is Succeeded or Late or Failed;
}

/// <summary>A department's part of a run, as stored.</summary>
/// <param name="PulledFiles">JSON array of the files the sources brought at the last pull.</param>
/// <param name="ProjectErrors">JSON array of {projectId, project, message}: projects that could not be scored.</param>
/// <param name="ActualsAt">The department is scored with the uploads stored up to this time (null until its pull completed).</param>
public sealed record RunDepartment(
    long RunId, long DepartmentId, string Department, string Status, int Attempts, bool Late, string? Error,
    string PulledFiles, string ProjectErrors, DateTime? ActualsAt, string? HangfireJobId, DateTime? StartedAt, DateTime? FinishedAt);

/// <summary>The departments of a run and their progress; decides, under a lock on the run, which job finished last.</summary>
public sealed class RunDepartmentStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Records the departments of the run's projects (those with rules when the run was requested), with how many
    /// projects each has, and marks the run running; returns the departments to enqueue: every one not being worked on right now (a re-run scores the
    /// finished ones again, identically).
    /// </summary>
    public async Task<IReadOnlyList<long>> RecordAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A year-end run often follows a burst of uploads that autoanalyze has not caught up with: planned without
        // statistics, reading a chunk's actuals probed every upload of the year for every project (20 000 buffer
        // reads instead of 500 per 50 projects). Sampling the tables a run reads takes about 0.1 s at 10 000 projects.
        // A database user that does not own them gets a warning, not an error.
        await connection.ExecuteAsync(new CommandDefinition(
            "ANALYZE projects, rule_sets, rule_packs, actuals_uploads, actual_rows", cancellationToken: cancellationToken));
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE evaluation_runs SET status = 'running', started_at = coalesce(started_at, now()), finished_at = NULL, error = NULL
            WHERE id = @runId
            """,
            new { runId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO run_departments (run_id, department_id, projects)
            SELECT e.id, p.department_id, count(*)
            FROM evaluation_runs e
            JOIN projects p ON p.year = e.year
            WHERE e.id = @runId AND EXISTS (SELECT 1 FROM rule_sets s WHERE s.project_id = p.id AND s.created_at <= e.requested_at)
            GROUP BY e.id, p.department_id
            ON CONFLICT DO NOTHING
            """,
            new { runId }, transaction, cancellationToken: cancellationToken));
        var departments = await connection.QueryAsync<long>(new CommandDefinition(
            """
            UPDATE run_departments SET status = 'queued', finished_at = NULL
            WHERE run_id = @runId AND status IN ('queued', 'succeeded', 'late', 'failed')
            RETURNING department_id
            """,
            new { runId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return departments.Order().ToList();
    }

    public async Task SetJobAsync(long runId, long departmentId, string jobId, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE run_departments SET hangfire_job_id = @jobId WHERE run_id = @runId AND department_id = @departmentId",
            new { runId, departmentId, jobId }, cancellationToken);

    /// <summary>A job for the department starts: counts the attempt; null when the run has no such department.</summary>
    public async Task<RunDepartment?> StartAsync(long runId, long departmentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RunDepartment>(new CommandDefinition(
            $"""
            WITH started AS (
                UPDATE run_departments
                SET status = CASE WHEN actuals_at IS NULL THEN 'pulling' ELSE 'scoring' END,
                    attempts = attempts + 1, started_at = coalesce(started_at, now()), finished_at = NULL
                WHERE run_id = @runId AND department_id = @departmentId
                RETURNING *)
            {SelectFrom("started")}
            """,
            new { runId, departmentId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The pull is over: fixes the department's actuals to those stored now (once: a later attempt keeps the first
    /// time) and records what the sources brought. <paramref name="late"/> with <paramref name="error"/> when a
    /// source stayed down and the stored actuals are used instead. Returns the time the actuals are fixed at.
    /// </summary>
    public async Task<DateTime> PulledAsync(long runId, long departmentId, string pulledFiles, bool late, string? error, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(
            """
            UPDATE run_departments
            SET status = 'scoring', actuals_at = coalesce(actuals_at, now()), pulled_files = CAST(@pulledFiles AS jsonb),
                late = @late, error = @error
            WHERE run_id = @runId AND department_id = @departmentId
            RETURNING actuals_at
            """,
            new { runId, departmentId, pulledFiles, late, error }, cancellationToken: cancellationToken));
    }

    /// <summary>An attempt did not get through; a retry is scheduled. <paramref name="late"/> when a source was down.</summary>
    public async Task RetryingAsync(long runId, long departmentId, string error, bool late, string? pulledFiles, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            """
            UPDATE run_departments
            SET status = 'retrying', error = @error, late = late OR @late, pulled_files = coalesce(CAST(@pulledFiles AS jsonb), pulled_files)
            WHERE run_id = @runId AND department_id = @departmentId
            """,
            new { runId, departmentId, error, late, pulledFiles }, cancellationToken);

    /// <summary>
    /// Marks the department finished and returns whether it was the run's last one to finish. The run's row is locked
    /// first, so of two departments finishing at once the second sees the first as finished: exactly one of the jobs
    /// that finish a run's last departments learns that the run is complete (a re-run learns it again).
    /// </summary>
    public async Task<bool> FinishAsync(long runId, long departmentId, string status, string? error, string projectErrors, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT id FROM evaluation_runs WHERE id = @runId FOR UPDATE", new { runId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run_departments
            SET status = @status, error = @error, project_errors = CAST(@projectErrors AS jsonb), finished_at = now()
            WHERE run_id = @runId AND department_id = @departmentId
            """,
            new { runId, departmentId, status, error, projectErrors }, transaction, cancellationToken: cancellationToken));
        var complete = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT NOT EXISTS (SELECT 1 FROM run_departments WHERE run_id = @runId AND status NOT IN ('succeeded', 'late', 'failed'))",
            new { runId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return complete;
    }

    /// <summary>The departments of a run (optionally one), by name.</summary>
    public async Task<IReadOnlyList<RunDepartment>> ListAsync(long runId, long? departmentId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RunDepartment>(new CommandDefinition(
            SelectFrom("run_departments") + " WHERE x.run_id = @runId AND (CAST(@departmentId AS bigint) IS NULL OR x.department_id = @departmentId) ORDER BY d.name COLLATE \"C\"",
            new { runId, departmentId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private static string SelectFrom(string source) => $"""
        SELECT x.run_id, x.department_id, d.name AS department, x.status, x.attempts, x.late, x.error, x.pulled_files::text AS pulled_files,
               x.project_errors::text AS project_errors, x.actuals_at, x.hangfire_job_id, x.started_at, x.finished_at
        FROM {source} x JOIN departments d ON d.id = x.department_id
        """;

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }
}
