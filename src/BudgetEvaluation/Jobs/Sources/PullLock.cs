using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace BudgetEvaluation.Jobs.Sources;

/// <summary>
/// A PostgreSQL advisory lock held for one pull, so that two workers (or two runs) pulling the same source at once
/// cannot both store the same file: the second waits, then finds it stored (<see cref="PullOutcome.Unchanged"/>) or gone.
/// </summary>
public sealed class PullLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly long key;

    private PullLock(NpgsqlConnection connection, long key)
    {
        this.connection = connection;
        this.key = key;
    }

    /// <param name="name">What is locked, e.g. <c>drop-folder:/srv/drop</c>; hashed to the lock's 64-bit key.</param>
    public static async Task<PullLock> AcquireAsync(NpgsqlDataSource dataSource, string name, CancellationToken cancellationToken)
    {
        var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("budgeteval-pull:" + name)));
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new PullLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Unlocked here rather than left to the pool's session reset, which happens only when the connection is reused.
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and with it the session's lock.
        }
        await connection.DisposeAsync();
    }
}
