using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Dapper;
using Npgsql;

namespace BudgetEvaluation.Data;

/// <summary>Who did something: an API key, an operator at the command line, or the service itself.</summary>
/// <param name="Id"><c>key:&lt;id&gt;</c>, <c>cli:&lt;user&gt;</c>, <c>system</c> or <c>anonymous</c>.</param>
public sealed record Actor(string Id, string? Role = null, string? Department = null)
{
    public static Actor System { get; } = new("system");

    public static Actor Anonymous { get; } = new("anonymous");

    public static Actor CommandLine { get; } = new("cli:" + Environment.UserName);

    public override string ToString() => Id;
}

/// <summary>Outcomes recorded in the audit log.</summary>
public static class AuditOutcome
{
    public const string Succeeded = "succeeded";
    /// <summary>The request was understood but its content was refused (e.g. a target file with errors).</summary>
    public const string Rejected = "rejected";
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
}

/// <summary>The append-only audit log: every change and every refused request.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions DetailsOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>Writes an entry on its own connection.</summary>
    public async Task WriteAsync(Actor actor, string action, string outcome, string? subject = null, object? details = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await WriteAsync(connection, null, actor, action, outcome, subject, details, cancellationToken);
    }

    /// <summary>Writes an entry inside the caller's transaction, so a change and its record commit together.</summary>
    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Actor actor, string action, string outcome, string? subject = null, object? details = null, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_log (actor, role, department, action, outcome, subject, details)
            VALUES (@Actor, @Role, @Department, @Action, @Outcome, @Subject, CAST(@Details AS jsonb))
            """,
            new
            {
                Actor = actor.Id,
                actor.Role,
                actor.Department,
                Action = action,
                Outcome = outcome,
                Subject = subject,
                Details = JsonSerializer.Serialize(details ?? new { }, DetailsOptions),
            },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>The latest entries, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> LatestAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditEntry>(new CommandDefinition(
            "SELECT id, at, actor, role, department, action, outcome, subject, details::text AS details FROM audit_log ORDER BY id DESC LIMIT @count",
            new { count }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

public sealed record AuditEntry(long Id, DateTime At, string Actor, string? Role, string? Department, string Action, string Outcome, string? Subject, string Details);
