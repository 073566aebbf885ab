using System.Globalization;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Npgsql;

namespace BudgetEvaluation.Data;

/// <summary>The numbered SQL files of <c>migrations/</c> (embedded in the executable), applied by DbUp.</summary>
/// <remarks>Each script runs in its own transaction; the journal table <c>public.schema_versions</c> makes a re-run a no-op.</remarks>
public static partial class Migrations
{
    private const string ResourcePrefix = "migrations/";

    // Two instances starting at once (serve and a worker) must not both apply the same script.
    private const long AdvisoryLockKey = 0x62756467_65747631; // "budgetv1"

    /// <summary>The scripts, in the order they apply.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(Migrations).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Applies every pending script; returns the names of those applied (empty when up to date).</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryLockKey})", lockConnection))
            await take.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            var result = Engine(connectionString, new UpgradeLog(logger)).PerformUpgrade();
            if (!result.Successful)
                throw new InvalidOperationException($"数据库迁移失败（{result.ErrorScript?.Name ?? "?"}）：{result.Error?.Message}", result.Error);
            var applied = result.Scripts.Select(s => s.Name[ResourcePrefix.Length..]).ToArray();
            Log.Applied(logger, applied.Length, All.Count);
            return applied;
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLockKey})", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The scripts not yet applied to the database.</summary>
    public static IReadOnlyList<string> Pending(string connectionString) =>
        Engine(connectionString, new NoOpUpgradeLog()).GetScriptsToExecute().Select(s => s.Name[ResourcePrefix.Length..]).ToArray();

    private static UpgradeEngine Engine(string connectionString, IUpgradeLog log) =>
        DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrations).Assembly, name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .JournalToPostgresqlTable("public", "schema_versions")
            .WithTransactionPerScript()
            // The scripts use $$ quoting for functions; DbUp's $name$ variables are not used.
            .WithVariablesDisabled()
            .LogTo(log)
            .Build();

    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => Log.DbUp(logger, LogLevel.Trace, Format(format, args));
        public void LogDebug(string format, params object[] args) => Log.DbUp(logger, LogLevel.Debug, Format(format, args));
        public void LogInformation(string format, params object[] args) => Log.DbUp(logger, LogLevel.Debug, Format(format, args));
        public void LogWarning(string format, params object[] args) => Log.DbUp(logger, LogLevel.Warning, Format(format, args));
        public void LogError(string format, params object[] args) => Log.DbUp(logger, LogLevel.Error, Format(format, args));
        public void LogError(Exception ex, string format, params object[] args) => Log.DbUpError(logger, ex, Format(format, args));

        private static string Format(string format, object[] args) =>
            args.Length == 0 ? format : string.Format(CultureInfo.InvariantCulture, format, args);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Message = "DbUp: {Message}")]
        public static partial void DbUp(ILogger logger, LogLevel level, string message);

        [LoggerMessage(1102, LogLevel.Error, "DbUp: {Message}")]
        public static partial void DbUpError(ILogger logger, Exception exception, string message);

        [LoggerMessage(1103, LogLevel.Information, "Migrations: {Applied} applied, {Total} in all")]
        public static partial void Applied(ILogger logger, int applied, int total);
    }
}
