using System.Security.Cryptography;
using BudgetEvaluation.Core.Targets;
using Dapper;
using Npgsql;

namespace BudgetEvaluation.Data;

/// <summary>A file of actuals as received.</summary>
/// <param name="Source"><c>upload</c> for the API, or the name of a pull source.</param>
public sealed record NewUpload(int Year, Period Period, string FileName, string? ContentType, byte[] Content, string Source = "upload");

/// <summary>One parsed row of an upload, matched to its project and indicator.</summary>
/// <param name="IndicatorPath">一级/二级/三级 (<c>Indicator.Path</c>), or <c>项目资金/执行数</c> for spending.</param>
/// <param name="RawValue">实际完成值 as written.</param>
public sealed record ActualRowRecord(
    int Line,
    long ProjectId,
    string IndicatorPath,
    string RawValue,
    string? DeviationReason = null,
    string? DeviationType = null,
    string? Likelihood = null);

public sealed record UploadSummary(long Id, int Year, string Period, string Source, string FileName, string Sha256, string UploadedBy, DateTime UploadedAt, int Rows, int Projects);

/// <summary>A row of a project's current actuals, with the upload it comes from.</summary>
public sealed record CurrentActualRow(
    long ProjectId,
    long UploadId,
    string FileName,
    DateTime UploadedAt,
    int Line,
    string IndicatorPath,
    string RawValue,
    string? DeviationReason,
    string? DeviationType,
    string? Likelihood);

/// <summary>Whose data an upload holds: its year, period and the departments of its rows.</summary>
public sealed record UploadScope(int Year, string Period, IReadOnlyList<long> Departments);

/// <summary>An upload's original file, for download.</summary>
public sealed record UploadContent(string FileName, string? ContentType, byte[] Content);

/// <summary>Actuals uploads and their rows. Append-only: a new upload supersedes, per project and period, without overwriting.</summary>
public sealed class ActualsStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores an accepted upload, its rows and its audit entry in one transaction. Parse and validate first: an upload
    /// with any error must not reach this method, so that nothing of it is stored.
    /// </summary>
    public async Task<UploadSummary> SaveAsync(NewUpload upload, IReadOnlyList<ActualRowRecord> rows, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var period = upload.Period.Code();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO fiscal_years (year) VALUES (@Year) ON CONFLICT DO NOTHING", new { upload.Year }, transaction, cancellationToken: cancellationToken));
        // Uploads of one year and period take turns until commit, so their ids (which decide the current upload),
        // their times and their commits come in the same order: the upload answered last is the current one.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext('actuals_uploads'), hashtext(CAST(@Year AS text) || '/' || @period))",
            new { upload.Year, period }, transaction, cancellationToken: cancellationToken));
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO actuals_uploads (year, period, source, file_name, content_type, content, sha256, uploaded_by, uploaded_at)
            VALUES (@Year, @period, @Source, @FileName, @ContentType, @Content, @sha256, @uploadedBy, clock_timestamp())
            RETURNING id
            """,
            new { upload.Year, period, upload.Source, upload.FileName, upload.ContentType, upload.Content, sha256 = Sha256(upload.Content), uploadedBy = actor.Id },
            transaction, cancellationToken: cancellationToken));
        // One statement for all rows: arrays unnested server-side.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO actual_rows (upload_id, line, project_id, indicator_path, raw_value, deviation_reason, deviation_type, likelihood)
            SELECT @id, * FROM unnest(@lines, @projects, @paths, @values, @reasons, @types, @likelihoods)
            """,
            new
            {
                id,
                lines = rows.Select(r => r.Line).ToArray(),
                projects = rows.Select(r => r.ProjectId).ToArray(),
                paths = rows.Select(r => r.IndicatorPath).ToArray(),
                values = rows.Select(r => r.RawValue).ToArray(),
                reasons = rows.Select(r => r.DeviationReason).ToArray(),
                types = rows.Select(r => r.DeviationType).ToArray(),
                likelihoods = rows.Select(r => r.Likelihood).ToArray(),
            },
            transaction, cancellationToken: cancellationToken));
        var summary = await connection.QuerySingleAsync<UploadSummary>(new CommandDefinition(
            SelectSummaries + " WHERE u.id = @id GROUP BY u.id", new { id }, transaction, cancellationToken: cancellationToken));
        await AuditLog.WriteAsync(connection, transaction, actor, "actuals.upload", AuditOutcome.Succeeded, $"actuals_upload:{id}",
            new { upload.Year, period, upload.FileName, summary.Sha256, summary.Rows, summary.Projects }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return summary;
    }

    /// <summary>Every upload of a year and period, newest first; optionally only those with rows for one project or department.</summary>
    public async Task<IReadOnlyList<UploadSummary>> HistoryAsync(int year, Period period, long? projectId = null, long? departmentId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<UploadSummary>(new CommandDefinition(
            SelectSummaries + """
             WHERE u.year = @year AND u.period = @period
              AND (CAST(@projectId AS bigint) IS NULL OR EXISTS (SELECT 1 FROM actual_rows x WHERE x.upload_id = u.id AND x.project_id = @projectId))
              AND (CAST(@departmentId AS bigint) IS NULL OR EXISTS (
                    SELECT 1 FROM actual_rows x JOIN projects p ON p.id = x.project_id WHERE x.upload_id = u.id AND p.department_id = @departmentId))
            GROUP BY u.id
            ORDER BY u.id DESC
            """,
            new { year, period = period.Code(), projectId, departmentId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// The latest accepted upload of exactly these bytes from this source for the year and period, if any: a pull
    /// that brings the same file again stores no new version.
    /// </summary>
    public async Task<UploadSummary?> FindIdenticalAsync(int year, Period period, string source, byte[] content, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UploadSummary>(new CommandDefinition(
            SelectSummaries + """
             WHERE u.year = @year AND u.period = @period AND u.source = @source AND u.sha256 = @sha256 AND u.status = 'accepted'
            GROUP BY u.id
            ORDER BY u.id DESC
            LIMIT 1
            """,
            new { year, period = period.Code(), source, sha256 = Sha256(content) }, cancellationToken: cancellationToken));
    }

    /// <summary>A project's current actuals for a period: its rows in the latest accepted upload that has any.</summary>
    public async Task<(long? UploadId, IReadOnlyList<ActualRowRecord> Rows)> CurrentAsync(long projectId, Period period, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var uploadId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT upload_id FROM current_actual_uploads WHERE project_id = @projectId AND period = @period",
            new { projectId, period = period.Code() }, cancellationToken: cancellationToken));
        if (uploadId is null)
            return (null, []);
        var rows = await connection.QueryAsync<ActualRowRecord>(new CommandDefinition(
            """
            SELECT line, project_id, indicator_path, raw_value, deviation_reason, deviation_type, likelihood
            FROM actual_rows WHERE upload_id = @uploadId AND project_id = @projectId ORDER BY line
            """,
            new { uploadId, projectId }, cancellationToken: cancellationToken));
        return (uploadId, rows.AsList());
    }

    /// <summary>
    /// The current actuals of every project of a year and period (optionally one department's or one project's): per
    /// project its rows in the latest accepted upload that has any, by project and line. With <paramref name="at"/>,
    /// the uploads that were current then (a run scores what existed when it was requested, however often it is re-run).
    /// </summary>
    public async Task<IReadOnlyList<CurrentActualRow>> CurrentRowsAsync(
        int year, Period period, long? departmentId = null, long? projectId = null, DateTime? at = null, CancellationToken cancellationToken = default) =>
        await CurrentRowsAsync(year, period, departmentId, projectId, at, projectIds: null, cancellationToken);

    /// <summary>As above, for the projects among <paramref name="projectIds"/> only (null: all): one run chunk's rows.</summary>
    public async Task<IReadOnlyList<CurrentActualRow>> CurrentRowsAsync(
        int year, Period period, long? departmentId, long? projectId, DateTime? at, long[]? projectIds, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (projectIds is not null)
        {
            // A run's chunk: driven by its project ids, one backward index probe per project for its latest upload
            // (the run refreshes the planner's statistics first, RunDepartmentStore.RecordAsync).
            var chunk = await connection.QueryAsync<CurrentActualRow>(new CommandDefinition(
                """
                SELECT p.id AS project_id, c.upload_id, c.file_name, c.uploaded_at, r.line, r.indicator_path, r.raw_value,
                       r.deviation_reason, r.deviation_type, r.likelihood
                FROM unnest(@projectIds) AS p(id)
                JOIN projects pr ON pr.id = p.id
                CROSS JOIN LATERAL (
                    SELECT u.id AS upload_id, u.file_name, u.uploaded_at
                    FROM actual_rows x JOIN actuals_uploads u ON u.id = x.upload_id
                    WHERE x.project_id = p.id AND u.status = 'accepted' AND u.period = @period
                      AND (CAST(@at AS timestamptz) IS NULL OR u.uploaded_at <= @at)
                    ORDER BY x.upload_id DESC
                    LIMIT 1) c
                JOIN actual_rows r ON r.upload_id = c.upload_id AND r.project_id = p.id
                WHERE pr.year = @year AND (CAST(@departmentId AS bigint) IS NULL OR pr.department_id = @departmentId)
                  AND (CAST(@projectId AS bigint) IS NULL OR pr.id = @projectId)
                ORDER BY p.id, r.line
                """,
                new { year, period = period.Code(), departmentId, projectId, at, projectIds }, cancellationToken: cancellationToken));
            return chunk.AsList();
        }
        var rows = await connection.QueryAsync<CurrentActualRow>(new CommandDefinition(
            """
            WITH current_upload AS (
                SELECT DISTINCT ON (r.project_id) r.project_id, u.id AS upload_id, u.file_name, u.uploaded_at
                FROM actual_rows r
                JOIN actuals_uploads u ON u.id = r.upload_id
                JOIN projects p ON p.id = r.project_id
                WHERE u.status = 'accepted' AND u.period = @period AND p.year = @year
                  AND (CAST(@departmentId AS bigint) IS NULL OR p.department_id = @departmentId)
                  AND (CAST(@projectId AS bigint) IS NULL OR p.id = @projectId)
                  AND (CAST(@at AS timestamptz) IS NULL OR u.uploaded_at <= @at)
                ORDER BY r.project_id, u.id DESC)
            SELECT c.project_id, c.upload_id, c.file_name, c.uploaded_at, r.line, r.indicator_path, r.raw_value,
                   r.deviation_reason, r.deviation_type, r.likelihood
            FROM current_upload c
            JOIN actual_rows r ON r.upload_id = c.upload_id AND r.project_id = c.project_id
            ORDER BY c.project_id, r.line
            """,
            new { year, period = period.Code(), departmentId, projectId, at }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>An upload's year and period and the departments its rows belong to; null if there is no such upload.</summary>
    public async Task<UploadScope?> ScopeAsync(long uploadId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var upload = await connection.QuerySingleOrDefaultAsync<UploadPeriod>(new CommandDefinition(
            "SELECT year, period FROM actuals_uploads WHERE id = @uploadId", new { uploadId }, cancellationToken: cancellationToken));
        if (upload is null)
            return null;
        var departments = await connection.QueryAsync<long>(new CommandDefinition(
            """
            SELECT DISTINCT p.department_id FROM actual_rows r JOIN projects p ON p.id = r.project_id
            WHERE r.upload_id = @uploadId ORDER BY 1
            """,
            new { uploadId }, cancellationToken: cancellationToken));
        return new UploadScope(upload.Year, upload.Period, departments.AsList());
    }

    private sealed record UploadPeriod(int Year, string Period);

    /// <summary>The original file of an upload.</summary>
    public async Task<UploadContent?> ContentAsync(long uploadId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UploadContent>(new CommandDefinition(
            "SELECT file_name, content_type, content FROM actuals_uploads WHERE id = @uploadId", new { uploadId }, cancellationToken: cancellationToken));
    }

    private const string SelectSummaries = """
        SELECT u.id, u.year, u.period, u.source, u.file_name, u.sha256, u.uploaded_by, u.uploaded_at,
               count(r.line)::int AS rows, count(DISTINCT r.project_id)::int AS projects
        FROM actuals_uploads u LEFT JOIN actual_rows r ON r.upload_id = u.id
        """;

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
