using Dapper;
using Npgsql;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>Direct reads of the database under test.</summary>
public static class Database
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters)) ?? throw new InvalidOperationException($"no value: {sql}");
    }

    public static async Task<List<T>> QueryAsync<T>(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters))).AsList();
    }

    public static async Task ExecuteAsync(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters));
    }
}
