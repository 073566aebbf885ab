using System.Diagnostics;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.RunJobs;

/// <summary>The service without a server; the tests start and kill <c>budgeteval worker</c> processes.</summary>
public sealed class WorkerCrashFixture : ServiceFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("BudgetEvaluation:Jobs:Server", "false")];

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.ThreeDepartments(2026)))).EnsureSuccessStatusCode();
        await ActualsFiles.UploadAsync(client, 2026, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
    }
}

public class WorkerCrashTests(WorkerCrashFixture service) : IClassFixture<WorkerCrashFixture>
{
    private static readonly (string, string)[] Settings =
    [
        ("BudgetEvaluation__Jobs__ChunkSize", "2"),
        // A job of a dead worker is handed on after 3 s (the default is minutes).
        ("BudgetEvaluation__Jobs__InvisibilityTimeout", "00:00:03"),
    ];

    [Fact]
    public async Task WorkerKilledInTheMiddleOfADepartment_AnotherWorkerRedoesIt_SameResultsNoDuplicates()
    {
        using var client = service.Client(service.FinanceKey);
        Process? first = WorkerProcess.Start(service.ConnectionString, Settings);
        Process? second = null;
        try
        {
            var clean = await Runs.StartAndWaitAsync(service, client, 2026, "year-end");
            // The first result of 南通市科学技术局's second chunk (网络设备设施运行与维护费) makes the database wait, once:
            // the worker is then inside that chunk's transaction, after its first chunk was committed.
            var project = await Database.ScalarAsync<long>(service.ConnectionString,
                "SELECT id FROM projects WHERE year = 2026 AND name = '网络设备设施运行与维护费'");
            await Database.ExecuteAsync(service.ConnectionString, $"""
                CREATE SEQUENCE stall;
                CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('stall') = 1 THEN PERFORM pg_sleep(10); END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER stall BEFORE INSERT ON evaluation_results FOR EACH ROW
                    WHEN (NEW.project_id = {project}) EXECUTE FUNCTION stall();
                """);
            var response = await client.PostAsync("/api/evaluations?year=2026&period=year-end", null);
            var run = (long)(await Json.ReadAsync(response))["id"]!;
            for (var i = 0; i < 300 && await Database.ScalarAsync<long>(service.ConnectionString,
                     "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'") == 0; i++)
                await Task.Delay(100);
            var storedBeforeTheKill = await Database.QueryAsync<string>(service.ConnectionString,
                "SELECT p.name FROM evaluation_results r JOIN projects p ON p.id = r.project_id WHERE r.run_id = @run AND p.department_id = (SELECT id FROM departments WHERE name = '南通市科学技术局') ORDER BY p.id",
                new { run });

            await WorkerProcess.StopAsync(first);
            first = null;
            second = WorkerProcess.Start(service.ConnectionString, Settings);
            var status = await Runs.WaitAsync(client, run);

            Assert.Equal(["“通创荟”和科技招商经费专项", "物业管理费"], storedBeforeTheKill);
            Assert.Equal("succeeded", (string?)status["status"]);
            var science = status["departments"]!.AsArray().Single(d => (string?)d!["department"] == "南通市科学技术局")!;
            Assert.Equal(("succeeded", 2), ((string?)science["status"], (int)science["attempts"]!));
            Assert.Equal(await RowsAsync(clean), await RowsAsync(run));
            Assert.Equal(12, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_results WHERE run_id = @run", new { run }));
        }
        finally
        {
            await WorkerProcess.StopAsync(first);
            await WorkerProcess.StopAsync(second);
            await Database.ExecuteAsync(service.ConnectionString, "DROP TRIGGER IF EXISTS stall ON evaluation_results; DROP FUNCTION IF EXISTS stall(); DROP SEQUENCE IF EXISTS stall;");
        }
    }

    private async Task<List<string>> RowsAsync(long run) =>
        await Database.QueryAsync<string>(service.ConnectionString,
            """
            SELECT concat_ws('|', p.name, r.rule_set_id, r.upload_id, r.total, r.grade, r.result::text, r.problems::text,
                   (SELECT string_agg(concat_ws('~', s.position, s.indicator_path, s.actual, s.points, s.score, s.status, s.explanation), '#' ORDER BY s.position)
                    FROM indicator_scores s WHERE s.result_id = r.id))
            FROM evaluation_results r JOIN projects p ON p.id = r.project_id WHERE r.run_id = @run ORDER BY p.name
            """, new { run });
}
