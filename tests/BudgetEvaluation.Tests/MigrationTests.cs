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
        "evaluation_runs", "fiscal_years", "projects", "rule_packs", "rule_sets", "run_departments", "schema_versions",
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

    [Fact]
    public async Task LeanResults_EarlierResultWithIndicatorScoreRows_ReadsTheSameScoresFromTheResult()
    {
        var connectionString = await MigratedBeforeAsync("0004");
        // A result as 0001–0003 stored it: the indented JSON as jsonb, and its lines in indicator_scores.
        await Database.ExecuteAsync(connectionString, """
            INSERT INTO fiscal_years (year) VALUES (2026);
            INSERT INTO departments (name) VALUES ('南通市科学技术局');
            INSERT INTO projects (year, department_id, name) VALUES (2026, 1, '办公设备购置');
            INSERT INTO rule_sets (project_id, version, rules, rules_text, sha256, source_file, created_by)
            VALUES (1, 1, '{}', '{}', repeat('0', 64), 'seed.txt', 'system');
            INSERT INTO evaluation_runs (year, period, as_of, scheme, requested_by) VALUES (2026, 'year-end', '2026-12-31', 'default', 'system');
            INSERT INTO evaluation_results (run_id, project_id, rule_set_id, total, grade, result) VALUES (1, 1, 1, 27.75, '差', '{
              "totalScore": 27.75,
              "funds": { "annualBudget": 12.5, "spent": 11.25, "weight": 10, "score": 9, "warning": null, "explanation": "10 × 90% / 100% = 9" },
              "indicators": [
                { "category": "产出指标", "subcategory": "数量指标", "indicator": "设备购置采购数量", "target": "≥40台", "actual": "37台",
                  "weight": 18.75, "score": 17.34375, "status": "partly", "warning": null, "explanation": "18.75 × 37 / 40 = 17.34" },
                { "category": "效益指标", "subcategory": "社会效益", "indicator": "群众满意度", "target": "≥90%", "actual": null,
                  "weight": 33.75, "score": 0, "status": "missing", "warning": null, "explanation": "未填报，得 0 分" }
              ],
              "missing": ["效益指标/社会效益/群众满意度"]
            }');
            INSERT INTO indicator_scores (result_id, position, indicator_path, target, actual, points, score, status, warning, explanation) VALUES
                (1, 0, '项目资金/执行数', '全年预算数 12.5万元', '11.25', 10, 9, NULL, NULL, '10 × 90% / 100% = 9'),
                (1, 1, '产出指标/数量指标/设备购置采购数量', '≥40台', '37台', 18.75, 17.34375, 'partly', NULL, '18.75 × 37 / 40 = 17.34'),
                (1, 2, '效益指标/社会效益/群众满意度', '≥90%', NULL, 33.75, 0, 'missing', NULL, '未填报，得 0 分');
            """);
        const string Scores = """
            SELECT concat_ws('|', result_id, position, indicator_path, target, actual, points, score, status, warning, explanation)
            FROM indicator_scores ORDER BY result_id, position
            """;
        var before = await Database.QueryAsync<string>(connectionString, Scores);
        var result = await Database.ScalarAsync<string>(connectionString, "SELECT result::text FROM evaluation_results");

        await Database.ExecuteAsync(connectionString, Script("0004_lean_results.sql"));

        Assert.Equal(
            [
                "1|0|项目资金/执行数|全年预算数 12.5万元|11.25|10.00|9.00|10 × 90% / 100% = 9",
                "1|1|产出指标/数量指标/设备购置采购数量|≥40台|37台|18.75|17.34|partly|18.75 × 37 / 40 = 17.34",
                "1|2|效益指标/社会效益/群众满意度|≥90%|33.75|0.00|missing|未填报，得 0 分",
            ],
            before);
        Assert.Equal(before, await Database.QueryAsync<string>(connectionString, Scores));
        Assert.Equal(result, await Database.ScalarAsync<string>(connectionString, "SELECT result::text FROM evaluation_results"));
        Assert.Equal("""["效益指标/社会效益/群众满意度"]""", await Database.ScalarAsync<string>(connectionString, "SELECT missing::text FROM evaluation_results"));
        Assert.Equal("v", await Database.ScalarAsync<string>(connectionString, "SELECT relkind::text FROM pg_class WHERE relname = 'indicator_scores'"));
    }

    [Fact]
    public async Task RunCounts_DepartmentsOfAnEarlierRun_AreCountedOnceFromTheirResults()
    {
        var connectionString = await MigratedBeforeAsync("0006");
        // A run as 0003–0005 stored it: two departments, three projects with rules, two results (one without actuals,
        // one with a problem); a fourth project got its rules after the run was requested.
        await Database.ExecuteAsync(connectionString, """
            INSERT INTO fiscal_years (year) VALUES (2026);
            INSERT INTO departments (name) VALUES ('南通市科学技术局'), ('南通市财政局');
            INSERT INTO projects (year, department_id, name) VALUES (2026, 1, '办公设备购置'), (2026, 1, '物业管理费'), (2026, 2, '水电费'), (2026, 2, '新项目');
            INSERT INTO rule_sets (project_id, version, rules, rules_text, sha256, source_file, created_by, created_at)
            VALUES (1, 1, '{}', '{}', repeat('0', 64), 'seed.txt', 'system', '2026-12-01'), (2, 1, '{}', '{}', repeat('0', 64), 'seed.txt', 'system', '2026-12-01'),
                   (3, 1, '{}', '{}', repeat('0', 64), 'seed.txt', 'system', '2026-12-01'), (4, 1, '{}', '{}', repeat('0', 64), 'seed.txt', 'system', '2027-01-05');
            INSERT INTO actuals_uploads (year, period, file_name, content, sha256, uploaded_by) VALUES (2026, 'year-end', 'a.csv', '\x00', repeat('0', 64), 'system');
            INSERT INTO evaluation_runs (year, period, as_of, scheme, requested_by, requested_at) VALUES (2026, 'year-end', '2026-12-31', 'default', 'system', '2027-01-02');
            INSERT INTO run_departments (run_id, department_id, status) VALUES (1, 1, 'succeeded'), (1, 2, 'scoring');
            INSERT INTO evaluation_results (run_id, project_id, rule_set_id, upload_id, total, grade, result, problems) VALUES
                (1, 1, 1, 1, 90, '优', '{}', '[]'),
                (1, 2, 2, NULL, 10, '差', '{}', '[{"file": "a.csv", "line": 3, "field": "实际完成值", "message": "x"}]');
            """);

        await Database.ExecuteAsync(connectionString, Script("0006_run_counts.sql"));

        Assert.Equal(
            ["1|2|2|1|1", "2|1|0|0|0"],
            await Database.QueryAsync<string>(connectionString,
                "SELECT concat_ws('|', department_id, projects, results, without_actuals, with_problems) FROM run_departments ORDER BY department_id"));
    }

    [Fact]
    public async Task InlineStorage_PacksStoredBefore_AreTheSameBytesKeptInTheRowWithLz4()
    {
        var connectionString = await MigratedBeforeAsync("0007");
        // Two packs as 0005 stored them: one of 5 KB of repeated text (pglz-compressed) and one of 6 KB that does not
        // compress (moved out to the TOAST table).
        await Database.ExecuteAsync(connectionString, """
            INSERT INTO fiscal_years (year) VALUES (2026);
            INSERT INTO departments (name) VALUES ('南通市科学技术局');
            INSERT INTO projects (year, department_id, name) VALUES (2026, 1, '办公设备购置'), (2026, 1, '物业管理费');
            INSERT INTO rule_sets (project_id, version, rules, rules_text, sha256, source_file, created_by)
            VALUES (1, 1, '{}', '{}', repeat('0', 64), 'seed.txt', 'system'), (2, 1, '{}', '{}', repeat('0', 64), 'seed.txt', 'system');
            INSERT INTO rule_packs (rule_set_id, packed) VALUES
                (1, convert_to(repeat('产出指标/数量指标/招引科创项目数 ≥1800个 ', 120), 'UTF8')),
                (2, (SELECT decode(string_agg(md5(i::text), ''), 'hex') FROM generate_series(1, 380) i));
            """);
        var toast = await Database.ScalarAsync<string>(connectionString, "SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'rule_packs'");
        var chunks = $"SELECT count(*) FROM {toast}";
        Assert.True(await Database.ScalarAsync<long>(connectionString, chunks) > 0);
        const string Packs = "SELECT rule_set_id || '|' || md5(packed) || '|' || octet_length(packed) FROM rule_packs ORDER BY rule_set_id";
        var before = await Database.QueryAsync<string>(connectionString, Packs);
        Assert.Equal("pglz", await Database.ScalarAsync<string>(connectionString, "SELECT pg_column_compression(packed) FROM rule_packs WHERE rule_set_id = 1"));

        await Database.ExecuteAsync(connectionString, Script("0007_inline_storage.sql"));

        Assert.Equal(before, await Database.QueryAsync<string>(connectionString, Packs));
        Assert.Equal("lz4", await Database.ScalarAsync<string>(connectionString, "SELECT pg_column_compression(packed) FROM rule_packs WHERE rule_set_id = 1"));
        Assert.Equal("m|l", await Database.ScalarAsync<string>(connectionString,
            "SELECT attstorage::text || '|' || attcompression::text FROM pg_attribute WHERE attrelid = 'rule_packs'::regclass AND attname = 'packed'"));
        // Both packs now in their rows: the TOAST table holds no live chunk.
        Assert.Equal(0, await Database.ScalarAsync<long>(connectionString, chunks));
    }

    /// <summary>A new database with the migrations before <paramref name="migration"/> applied: as an earlier release left it.</summary>
    private static async Task<string> MigratedBeforeAsync(string migration)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        foreach (var script in Migrations.All.Where(s => string.CompareOrdinal(s, migration) < 0))
            await Database.ExecuteAsync(connectionString, Script(script));
        return connectionString;
    }

    private static string Script(string name)
    {
        using var stream = typeof(Migrations).Assembly.GetManifestResourceStream("migrations/" + name)!;
        return new StreamReader(stream).ReadToEnd();
    }
}
