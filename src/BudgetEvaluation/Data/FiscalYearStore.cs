using Dapper;
using Npgsql;

namespace BudgetEvaluation.Data;

/// <summary>Fiscal years and whether they are open (open years get the scheduled runs).</summary>
public sealed class FiscalYearStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<int>> OpenYearsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var years = await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT year FROM fiscal_years WHERE is_open ORDER BY year", cancellationToken: cancellationToken));
        return years.AsList();
    }

    /// <summary>Opens or closes a year (adding it if new), with its audit entry.</summary>
    public async Task SetOpenAsync(int year, bool open, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO fiscal_years (year, is_open) VALUES (@year, @open)
            ON CONFLICT (year) DO UPDATE SET is_open = EXCLUDED.is_open
            """,
            new { year, open }, transaction, cancellationToken: cancellationToken));
        await AuditLog.WriteAsync(connection, transaction, actor, open ? "years.open" : "years.close", AuditOutcome.Succeeded,
            $"fiscal_year:{year}", new { year, open }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
