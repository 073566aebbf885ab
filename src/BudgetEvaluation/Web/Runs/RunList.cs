using Dapper;
using Npgsql;

namespace BudgetEvaluation.Web.Runs;

/// <summary>A scoring run as the list of runs shows it.</summary>
public sealed record RunLine(
    long Id, int Year, string Period, DateOnly AsOf, string Scheme, string Status, string RequestedBy, DateTime RequestedAt, DateTime? FinishedAt);

/// <summary>The latest scoring runs, newest first, for the runs page (the API has no list of runs).</summary>
public sealed class RunList(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<RunLine>> LatestAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var runs = await connection.QueryAsync<RunLine>(new CommandDefinition(
            """
            SELECT id, year, period, as_of, scheme, status, requested_by, requested_at, finished_at
            FROM evaluation_runs ORDER BY id DESC LIMIT @limit
            """,
            new { limit }, cancellationToken: cancellationToken));
        return runs.AsList();
    }
}
