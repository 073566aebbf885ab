using System.Security.Cryptography;
using System.Text;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;
using Dapper;
using Npgsql;

namespace BudgetEvaluation.Data;

/// <summary>What an import did to one project.</summary>
public static class ProjectChange
{
    public const string Created = "created";
    public const string Versioned = "versioned";
    public const string Unchanged = "unchanged";
}

public sealed record SavedProject(long Id, int Year, string Department, string Name, int Indicators, int Version, long RuleSetId, string Change);

public sealed record ProjectSummary(long Id, int Year, string Department, string Name, string? ImplementingUnit, int Version, long RuleSetId, DateTime UpdatedAt);

public sealed record ProjectRecord(long Id, int Year, long DepartmentId, string Department, string Name, DateTime CreatedAt);

public sealed record RuleSetVersion(long Id, int Version, string Sha256, string SourceFile, DateTime CreatedAt, string CreatedBy);

/// <summary>A project's rules file as stored, for scoring: the rule-set id goes into every result.</summary>
/// <param name="Sha256">Of the rules file's text: the rules' fingerprint.</param>
/// <param name="Packed">The file packed for loading (<see cref="RulesPack"/>) when it has a current one.</param>
/// <param name="RulesText">The file's text, read only when there is no current pack.</param>
public sealed record StoredRules(long ProjectId, long DepartmentId, long RuleSetId, int Version, string Sha256, byte[]? Packed, string? RulesText);

/// <summary>Fiscal years, departments, projects and their versioned rule sets.</summary>
public sealed class ProjectStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Saves imported target tables in one transaction with its audit entry: a project new to the database gets
    /// version 1; one whose rules file text changed gets the next version; an identical one gets none.
    /// </summary>
    public async Task<IReadOnlyList<SavedProject>> SaveAsync(IReadOnlyList<TargetTable> tables, string sourceFile, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var saved = new List<SavedProject>(tables.Count);
        // Writing and packing each rules file is CPU work: done on every core, a batch at a time so that only a
        // batch's texts (tens of KB each) are held, between the batch's inserts.
        const int batchSize = 256;
        var files = new (string Text, byte[]? Packed)[Math.Min(batchSize, tables.Count)];
        for (var start = 0; start < tables.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, tables.Count - start);
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var text = RulesFile.Serialize(tables[start + i]);
                files[i] = (text, Pack(text, sourceFile));
            });
            for (var i = 0; i < count; i++)
                saved.Add(await SaveAsync(connection, transaction, tables[start + i], files[i].Text, files[i].Packed, sourceFile, actor, cancellationToken));
        }
        await AuditLog.WriteAsync(connection, transaction, actor, "targets.import", AuditOutcome.Succeeded, sourceFile,
            new
            {
                file = sourceFile,
                projects = saved.Select(p => new { p.Id, p.Year, p.Department, p.Name, p.Version, p.Change }),
            },
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>
    /// Saves one rules file as it was uploaded — its text kept byte for byte — in one transaction with its audit
    /// entry, versioned like an import: a new project gets version 1, changed text the next version, the same text none.
    /// The caller checks the file first (<c>RulesUpload.Check</c>): nothing unchecked may reach this method.
    /// </summary>
    public async Task<SavedProject> SaveRulesFileAsync(TargetTable table, string rulesText, string sourceFile, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var saved = await SaveAsync(connection, transaction, table, rulesText, Pack(rulesText, sourceFile), sourceFile, actor, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, actor, "rules.upload", AuditOutcome.Succeeded, sourceFile,
            new { file = sourceFile, project = new { saved.Id, saved.Year, saved.Department, saved.Name, saved.Version, saved.Change } },
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>The pack of a rules file's text, or null when it has none (<see cref="RulesPack.Pack"/>).</summary>
    public static byte[]? Pack(string rulesText, string source) => RulesPack.Pack(RulesProject.Parse(rulesText, source));

    private static async Task<SavedProject> SaveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TargetTable table, string text, byte[]? packed, string sourceFile, Actor actor, CancellationToken cancellationToken)
    {
        var project = table.Project;
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO fiscal_years (year) VALUES (@Year) ON CONFLICT DO NOTHING", new { project.Year }, transaction, cancellationToken: cancellationToken));
        var departmentId = await EnsureDepartmentAsync(connection, transaction, project.Department, cancellationToken);
        var projectId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            WITH inserted AS (
                INSERT INTO projects (year, department_id, name) VALUES (@Year, @departmentId, @Name)
                ON CONFLICT (year, department_id, name) DO NOTHING
                RETURNING id)
            SELECT id FROM inserted
            UNION ALL
            SELECT id FROM projects WHERE year = @Year AND department_id = @departmentId AND name = @Name
            LIMIT 1
            """,
            new { project.Year, departmentId, project.Name }, transaction, cancellationToken: cancellationToken));
        // Concurrent imports of one project take turns, so version numbers stay dense and unique.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT id FROM projects WHERE id = @projectId FOR UPDATE", new { projectId }, transaction, cancellationToken: cancellationToken));

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var current = await connection.QuerySingleOrDefaultAsync<(long Id, int Version, string Sha256)>(new CommandDefinition(
            "SELECT id, version, sha256 FROM rule_sets WHERE project_id = @projectId ORDER BY version DESC LIMIT 1",
            new { projectId }, transaction, cancellationToken: cancellationToken));
        SavedProject Saved(string change, long ruleSetId, int version) =>
            new(projectId, project.Year, project.Department, project.Name, table.Indicators.Count, version, ruleSetId, change);
        if (current.Id != 0 && current.Sha256 == sha256)
            return Saved(ProjectChange.Unchanged, current.Id, current.Version);

        var version = current.Version + 1;
        var ruleSetId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO rule_sets (project_id, version, rules, rules_text, sha256, source_file, created_by)
            VALUES (@projectId, @version, CAST(@text AS jsonb), @text, @sha256, @sourceFile, @createdBy)
            RETURNING id
            """,
            new { projectId, version, text, sha256, sourceFile, createdBy = actor.Id }, transaction, cancellationToken: cancellationToken));
        if (packed is not null)
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO rule_packs (rule_set_id, packed) VALUES (@ruleSetId, @packed)",
                new { ruleSetId, packed }, transaction, cancellationToken: cancellationToken));
        return Saved(version == 1 ? ProjectChange.Created : ProjectChange.Versioned, ruleSetId, version);
    }

    /// <summary>The department's id, adding it if new.</summary>
    public static Task<long> EnsureDepartmentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            WITH inserted AS (
                INSERT INTO departments (name) VALUES (@name) ON CONFLICT (name) DO NOTHING RETURNING id)
            SELECT id FROM inserted
            UNION ALL
            SELECT id FROM departments WHERE name = @name
            LIMIT 1
            """,
            new { name }, transaction, cancellationToken: cancellationToken));

    /// <summary>Projects with their current rules version, optionally for one year and one department.</summary>
    public async Task<IReadOnlyList<ProjectSummary>> ListAsync(int? year, long? departmentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ProjectSummary>(new CommandDefinition(
            """
            SELECT p.id, p.year, d.name AS department, p.name, r.rules -> 'project' ->> 'implementingUnit' AS implementing_unit,
                   r.version, r.id AS rule_set_id, r.created_at AS updated_at
            FROM projects p
            JOIN departments d ON d.id = p.department_id
            JOIN LATERAL (SELECT * FROM rule_sets WHERE project_id = p.id ORDER BY version DESC LIMIT 1) r ON true
            WHERE (CAST(@year AS integer) IS NULL OR p.year = @year)
              AND (CAST(@departmentId AS bigint) IS NULL OR p.department_id = @departmentId)
            ORDER BY p.year, d.name, p.name
            """,
            new { year, departmentId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<ProjectRecord?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ProjectRecord>(new CommandDefinition(
            """
            SELECT p.id, p.year, p.department_id, d.name AS department, p.name, p.created_at
            FROM projects p JOIN departments d ON d.id = p.department_id
            WHERE p.id = @id
            """,
            new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Every rules version of a project, oldest first.</summary>
    public async Task<IReadOnlyList<RuleSetVersion>> VersionsAsync(long projectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RuleSetVersion>(new CommandDefinition(
            "SELECT id, version, sha256, source_file, created_at, created_by FROM rule_sets WHERE project_id = @projectId ORDER BY version",
            new { projectId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The rules file text of one version, or of the current one when <paramref name="version"/> is null.</summary>
    public async Task<string?> RulesTextAsync(long projectId, int? version, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            """
            SELECT rules_text FROM rule_sets
            WHERE project_id = @projectId AND (CAST(@version AS integer) IS NULL OR version = @version)
            ORDER BY version DESC LIMIT 1
            """,
            new { projectId, version }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The current rules of every project of a year (optionally one department's), for a scoring run or an upload;
    /// with <paramref name="at"/>, the rules that were current then (a run scores what existed when it was requested).
    /// </summary>
    public Task<IReadOnlyList<StoredRules>> CurrentRulesAsync(int year, long? departmentId, DateTime? at = null, CancellationToken cancellationToken = default) =>
        CurrentRulesAsync(year, departmentId, at, afterProjectId: null, limit: null, cancellationToken);

    /// <summary>
    /// One page of <see cref="CurrentRulesAsync(int, long?, DateTime?, CancellationToken)"/>: at most
    /// <paramref name="limit"/> projects with ids above <paramref name="afterProjectId"/>, so a run holds one chunk's
    /// rules text at a time however large the department.
    /// </summary>
    public async Task<IReadOnlyList<StoredRules>> CurrentRulesAsync(
        int year, long? departmentId, DateTime? at, long? afterProjectId, int? limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredRules>(new CommandDefinition(
            """
            SELECT p.id AS project_id, p.department_id, r.id AS rule_set_id, r.version, r.sha256,
                   CASE WHEN substring(k.packed FROM 1 FOR @headerLength) = @header THEN k.packed END AS packed,
                   CASE WHEN substring(k.packed FROM 1 FOR @headerLength) = @header THEN NULL ELSE r.rules_text END AS rules_text
            FROM projects p
            JOIN LATERAL (
                SELECT * FROM rule_sets
                WHERE project_id = p.id AND (CAST(@at AS timestamptz) IS NULL OR created_at <= @at)
                ORDER BY version DESC LIMIT 1) r ON true
            LEFT JOIN rule_packs k ON k.rule_set_id = r.id
            WHERE p.year = @year AND (CAST(@departmentId AS bigint) IS NULL OR p.department_id = @departmentId)
              AND (CAST(@afterProjectId AS bigint) IS NULL OR p.id > @afterProjectId)
            ORDER BY p.id
            LIMIT @limit
            """,
            new { year, departmentId, at, afterProjectId, limit, header = RulesPack.Header, headerLength = RulesPack.Header.Length },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The id of a department by name, or null if no project ever named it.</summary>
    public async Task<long?> DepartmentIdAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM departments WHERE name = @name", new { name }, cancellationToken: cancellationToken));
    }
}
