using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace BudgetEvaluation.Data;

/// <summary>The three roles of the access model.</summary>
public static class Roles
{
    /// <summary>财政局: everything.</summary>
    public const string Finance = "finance";
    /// <summary>A 主管部门: sees and uploads only its own projects.</summary>
    public const string Department = "department";
    /// <summary>Reads everything, changes nothing.</summary>
    public const string Auditor = "auditor";

    public static readonly string[] All = [Finance, Department, Auditor];
}

/// <summary>A key's record; the key itself is never stored.</summary>
public sealed record ApiKey(long Id, string Role, long? DepartmentId, string? Department, string Name, DateTime CreatedAt, string CreatedBy, DateTime? RevokedAt);

/// <summary>API keys, stored as SHA-256 hashes.</summary>
/// <remarks>
/// Keys are 256 random bits, so a plain SHA-256 (no salt, no slow hash) is enough: there is nothing to guess,
/// and the hash makes a copy of the table useless for calling the API.
/// </remarks>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource)
{
    private const string KeyPrefix = "bek_";

    /// <summary>Shortest bootstrap key accepted.</summary>
    public const int MinimumBootstrapLength = 16;

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string NewKey() => KeyPrefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Creates a key and returns it: the only time it is seen.</summary>
    public async Task<(ApiKey Record, string Key)> CreateAsync(string role, string? department, string name, Actor actor, CancellationToken cancellationToken = default)
    {
        var key = NewKey();
        var record = await InsertAsync(key, role, department, name, actor, "keys.create", cancellationToken);
        return (record, key);
    }

    /// <summary>Makes <paramref name="key"/> a finance key if no active finance key exists; returns whether it did.</summary>
    public async Task<bool> BootstrapAsync(string key, CancellationToken cancellationToken = default)
    {
        if (key.Length < MinimumBootstrapLength)
            throw new InvalidOperationException($"环境变量 BUDGETEVAL_BOOTSTRAP_KEY 太短：至少需要 {MinimumBootstrapLength} 个字符");
        if (await AnyActiveAsync(Roles.Finance, cancellationToken))
            return false;
        try
        {
            await InsertAsync(key, Roles.Finance, null, "bootstrap", Actor.System, "keys.bootstrap", cancellationToken);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another instance starting at the same time stored the same key first.
            return false;
        }
    }

    public async Task<bool> AnyActiveAsync(string role, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM api_keys WHERE role = @role AND revoked_at IS NULL)", new { role }, cancellationToken: cancellationToken));
    }

    /// <summary>The active key with this value, or null.</summary>
    /// <remarks>Every request runs this first, so it also finds a pool broken by a database restart (see <see cref="DatabaseFaults"/>).</remarks>
    public Task<ApiKey?> FindActiveAsync(string key, CancellationToken cancellationToken = default) =>
        DatabaseFaults.ReadAsync(dataSource, connection => connection.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(
            SelectKeys + " WHERE k.key_sha256 = @hash AND k.revoked_at IS NULL", new { hash = Hash(key) }, cancellationToken: cancellationToken)),
            cancellationToken);

    /// <summary>Whether the key with this id exists and is not revoked (a web session holds the id, not the key).</summary>
    public Task<bool> IsActiveAsync(long id, CancellationToken cancellationToken = default) =>
        DatabaseFaults.ReadAsync(dataSource, connection => connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM api_keys WHERE id = @id AND revoked_at IS NULL)", new { id }, cancellationToken: cancellationToken)),
            cancellationToken);

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ApiKey>(new CommandDefinition(SelectKeys + " ORDER BY k.id", cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Revokes a key; false if there is no such active key.</summary>
    public async Task<bool> RevokeAsync(long id, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var revoked = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = now() WHERE id = @id AND revoked_at IS NULL", new { id }, transaction, cancellationToken: cancellationToken));
        if (revoked == 0)
            return false;
        await AuditLog.WriteAsync(connection, transaction, actor, "keys.revoke", AuditOutcome.Succeeded, $"api_key:{id}", cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private const string SelectKeys = """
        SELECT k.id, k.role, k.department_id, d.name AS department, k.name, k.created_at, k.created_by, k.revoked_at
        FROM api_keys k LEFT JOIN departments d ON d.id = k.department_id
        """;

    private async Task<ApiKey> InsertAsync(string key, string role, string? department, string name, Actor actor, string action, CancellationToken cancellationToken)
    {
        if (!Roles.All.Contains(role))
            throw new ArgumentException($"未知的角色“{role}”：应为 finance、department 或 auditor", nameof(role));
        if ((role == Roles.Department) != !string.IsNullOrWhiteSpace(department))
            throw new ArgumentException(role == Roles.Department ? "department 角色必须指定主管部门（--department）" : $"{role} 角色不能绑定主管部门", nameof(department));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long? departmentId = role == Roles.Department
            ? await ProjectStore.EnsureDepartmentAsync(connection, transaction, department!.Trim(), cancellationToken)
            : null;
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO api_keys (key_sha256, role, department_id, name, created_by)
            VALUES (@hash, @role, @departmentId, @name, @createdBy)
            RETURNING id
            """,
            new { hash = Hash(key), role, departmentId, name, createdBy = actor.Id }, transaction, cancellationToken: cancellationToken));
        await AuditLog.WriteAsync(connection, transaction, actor, action, AuditOutcome.Succeeded, $"api_key:{id}",
            new { role, department, name }, cancellationToken);
        var record = await connection.QuerySingleAsync<ApiKey>(new CommandDefinition(
            SelectKeys + " WHERE k.id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return record;
    }
}
