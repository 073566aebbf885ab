using Npgsql;

namespace BudgetEvaluation.Data;

/// <summary>
/// A PostgreSQL that restarted or went away. Npgsql keeps idle connections in its pool and finds one broken only when
/// it next uses it, so after a restart every pooled connection would fail one request. The first failure empties the
/// pool (<see cref="NpgsqlDataSource.Clear"/>); reads that every request makes first (the API key) try once more.
/// </summary>
public static class DatabaseFaults
{
    /// <summary>
    /// The connection failed or the server ended the session (shutdown, restart, crash): Npgsql's transient errors
    /// (I/O, sockets, timeouts), and server errors of class 08 (connection exception) and 57P (operator intervention).
    /// </summary>
    public static bool IsConnectionLost(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres)
                return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal);
            // Npgsql's own errors: transient ones are I/O, sockets and timeouts; others are programming errors.
            if (e is NpgsqlException npgsql)
                return npgsql.IsTransient;
        }
        return false;
    }

    /// <summary>
    /// Runs a read-only query; if its connection turns out broken, empties the pool and runs it once more on a fresh
    /// connection. Only for reads: a change that failed may or may not have committed, so it is never repeated.
    /// </summary>
    public static async Task<T> ReadAsync<T>(NpgsqlDataSource dataSource, Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await read(connection);
        }
        catch (Exception e) when (IsConnectionLost(e) && !cancellationToken.IsCancellationRequested)
        {
            dataSource.Clear();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await read(connection);
        }
    }
}
