using BudgetEvaluation.Data;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BudgetEvaluation.Tests;

public class MigrationTests
{
    private static readonly string[] Tables =
    [
        "actual_rows", "actuals_uploads", "api_keys", "audit_log", "departments", "evaluation_results",
        "evaluation_runs", "fiscal_years", "indicator_scores", "projects", "rule_packs", "rule_sets", "run_departments", "schema_versions",
    ];

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryScriptAndCreatesTheTables()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();

        var applied = await Migrations.ApplyAsync(connectionString, NullLogger.Instance);

        Assert.Contains("0001_initial.sql", applied);
        Assert.Equal(Migrations.All, applied);
        var tables = await Database.QueryAsync<string>(connectionString,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
        Assert.Subset(tables.ToHashSet(), Tables.ToHashSet());
    }

    [Fact]
    public async Task Migrate_Rerun_AppliesNothingAndJournalsEachScriptOnce()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await Migrations.ApplyAsync(connectionString, NullLogger.Instance);

        var second = await Migrations.ApplyAsync(connectionString, NullLogger.Instance);

        Assert.Empty(second);
        Assert.Empty(Migrations.Pending(connectionString));
        var journaled = await Database.ScalarAsync<long>(connectionString, "SELECT count(*) FROM schema_versions WHERE scriptname = 'migrations/0001_initial.sql'");
        Assert.Equal(1, journaled);
    }

    [Fact]
    public async Task MigrateVerb_EmptyDatabaseThenAgain_ReportsAppliedThenUpToDate()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();

        var first = await Cli.RunAsync(connectionString, "migrate");
        var second = await Cli.RunAsync(connectionString, "migrate");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("已应用迁移 0001_initial.sql", first.Output);
        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("已应用迁移", second.Output);
        Assert.Contains("数据库已是最新", second.Output);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET action = 'x'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    [InlineData("UPDATE rule_sets SET version = 9")]
    [InlineData("DELETE FROM rule_sets")]
    public async Task AppendOnlyTable_ChangeOrDelete_IsRefusedByTheDatabase(string sql)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await Migrations.ApplyAsync(connectionString, NullLogger.Instance);
        await Database.ExecuteAsync(connectionString, """
            INSERT INTO audit_log (actor, action, outcome) VALUES ('system', 'test', 'succeeded');
            INSERT INTO fiscal_years (year) VALUES (2026);
            INSERT INTO departments (name) VALUES ('南通市科学技术局');
            INSERT INTO projects (year, department_id, name) VALUES (2026, 1, '办公设备购置');
            INSERT INTO rule_sets (project_id, version, rules, rules_text, sha256, source_file, created_by)
            VALUES (1, 1, '{}', '{}', repeat('0', 64), 'seed.txt', 'system');
            """);

        var error = await Assert.ThrowsAsync<PostgresException>(() => Database.ExecuteAsync(connectionString, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("只能追加", error.MessageText);
    }
}
