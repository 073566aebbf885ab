using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.RunJobs;

public partial class RunTests
{
    [Fact]
    public async Task Run_YearEnd_OneJobPerDepartmentThenOneSummary_ScoresAsTheCliDoes()
    {
        await service.ImportAsync(2040);

        var view = await service.RunAsync(2040, "year-end");

        Assert.Equal("succeeded", (string?)view["status"]);
        var run = (long)view["id"]!;
        // By name in code-point order, as everywhere.
        Assert.Equal([Industry, Science, Finance], view["departments"]!.AsArray().Select(d => (string)d!["department"]!));
        Assert.All(view["departments"]!.AsArray(), d => Assert.Equal(("succeeded", false, 1), ((string?)d!["status"], (bool)d["late"]!, (int)d["attempts"]!)));
        var jobs = await Runs.JobStatesAsync(service.ConnectionString, run);
        Assert.Equal(
            [
                ("BudgetEvaluation.Jobs.EvaluationJob, budgeteval", "Succeeded"),
                ("BudgetEvaluation.Jobs.DepartmentJob, budgeteval", "Succeeded"),
                ("BudgetEvaluation.Jobs.DepartmentJob, budgeteval", "Succeeded"),
                ("BudgetEvaluation.Jobs.DepartmentJob, budgeteval", "Succeeded"),
                ("BudgetEvaluation.Jobs.SummaryJob, budgeteval", "Succeeded"),
            ],
            jobs);
        var results = await ResultsAsync(run);
        Assert.Equal(12, results.Count);
        var e = results.Single(x => (string?)x!["project"] == TongChuangHui)!;
        Assert.Equal(90.15046296296296, (double)e["totalScore"]!, Tolerance);
        Assert.Equal("优", (string?)e["grade"]);
        Assert.Equal("2040-12-31", (string?)e["asOf"]);
        Assert.Equal(81.25, (double)results.Single(x => (string?)x!["project"] == "科研机构建设专项")!["totalScore"]!, Tolerance);
        Assert.Equal(89.875, (double)results.Single(x => (string?)x!["project"] == "网络设备设施运行与维护费")!["totalScore"]!, Tolerance);
    }

    [Fact]
    public async Task Run_YearEnd_SummaryCountsGradesPerDepartmentAndListsMissingActuals()
    {
        await service.ImportAsync(2041);

        var view = await service.RunAsync(2041, "year-end");

        var summary = view["summary"]!;
        Assert.Equal((12, 12, 1), ((int)summary["projects"]!, (int)summary["scored"]!, (int)summary["withMissingActuals"]!));
        Assert.Equal(new Dictionary<string, int> { ["优"] = 8, ["良"] = 4 }, Counts(summary["grades"]));
        Assert.Empty(summary["warnings"]!.AsObject());
        Assert.Empty(summary["lateDepartments"]!.AsArray());
        var departments = summary["departments"]!.AsArray();
        Assert.Equal(new Dictionary<string, int> { ["优"] = 2, ["良"] = 2 }, Counts(departments.Single(d => (string?)d!["department"] == Science)!["grades"]));
        Assert.Equal(new Dictionary<string, int> { ["优"] = 4 }, Counts(departments.Single(d => (string?)d!["department"] == Industry)!["grades"]));
        var finance = departments.Single(d => (string?)d!["department"] == Finance)!;
        Assert.Equal(new Dictionary<string, int> { ["优"] = 2, ["良"] = 2 }, Counts(finance["grades"]));
        var missing = Assert.Single(finance["missingActuals"]!.AsArray())!;
        Assert.Equal("科研机构建设专项", (string?)missing["project"]);
        Assert.False((bool)missing["noActuals"]!);
        Assert.Equal(["产出指标/质量指标/省市项目立项数"], missing["indicators"]!.AsArray().Select(i => (string)i!));
    }

    [Fact]
    public async Task Run_MidYear_WarningsAsTheCliGivesThemAndTheDepartmentKeySeesItsOwnPart()
    {
        await service.ImportAsync(2042, yearEnd: false, midYear: true);

        var view = await service.RunAsync(2042, "mid-year");

        Assert.Equal("succeeded", (string?)view["status"]);
        Assert.Equal(new Dictionary<string, int> { ["green"] = 2, ["red"] = 4, ["yellow"] = 6 }, Counts(view["summary"]!["warnings"]));
        var run = (long)view["id"]!;
        var e = (await ResultsAsync(run)).Single(x => (string?)x!["project"] == TongChuangHui)!;
        Assert.Equal("yellow", (string?)e["warning"]);
        Assert.Equal("2042-06-30", (string?)e["asOf"]);
        using var own = service.Client(service.DepartmentKey);
        var mine = await Json.ReadAsync(await own.GetAsync($"/api/evaluations/{run}"));
        Assert.Equal([Science], mine["departments"]!.AsArray().Select(d => (string)d!["department"]!));
        Assert.Equal([Science], mine["summary"]!["departments"]!.AsArray().Select(d => (string)d!["department"]!));
        Assert.Equal(4, (int)mine["summary"]!["projects"]!);
    }

    [Fact]
    public async Task DepartmentJob_FailsAfterItsFirstChunk_RetryWritesTheSameResultsWithoutDuplicates()
    {
        await service.ImportAsync(2043);
        var clean = await service.RunAsync(2043, "year-end");
        // The database refuses, once, the first result of 南通市科学技术局's second chunk (chunks of 2 in project order:
        // “通创荟”, 物业管理费 | 网络设备设施运行与维护费, 水电费补差): the job dies after storing its first chunk.
        var project = await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT id FROM projects WHERE year = 2043 AND name = '网络设备设施运行与维护费'");
        await Database.ExecuteAsync(service.ConnectionString, $"""
            CREATE SEQUENCE fault_2043;
            CREATE FUNCTION fault_2043() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('fault_2043') = 1 THEN RAISE EXCEPTION 'simulated crash'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fault_2043 BEFORE INSERT ON evaluation_results FOR EACH ROW
                WHEN (NEW.project_id = {project}) EXECUTE FUNCTION fault_2043();
            """);
        try
        {
            var view = await service.RunAsync(2043, "year-end");

            Assert.Equal("succeeded", (string?)view["status"]);
            var run = (long)view["id"]!;
            Assert.Equal(2, (int)Department(view, Science)["attempts"]!);
            Assert.Equal(1, (int)Department(view, Finance)["attempts"]!);
            // The first chunk was stored by the first attempt, the second only by the retry.
            Assert.True(await Database.ScalarAsync<bool>(service.ConnectionString,
                """
                SELECT max(r.created_at) FILTER (WHERE p.name IN ('“通创荟”和科技招商经费专项', '物业管理费'))
                     < min(r.created_at) FILTER (WHERE p.name IN ('网络设备设施运行与维护费', '水电费补差'))
                FROM evaluation_results r JOIN projects p ON p.id = r.project_id WHERE r.run_id = @run
                """, new { run }));
            Assert.Equal(await RowsAsync((long)clean["id"]!), await RowsAsync(run));
            Assert.Equal(12, await Database.ScalarAsync<long>(service.ConnectionString,
                "SELECT count(DISTINCT project_id) FROM evaluation_results WHERE run_id = @run", new { run }));
            Assert.Equal(12, await Database.ScalarAsync<long>(service.ConnectionString,
                "SELECT count(*) FROM evaluation_results WHERE run_id = @run", new { run }));
            // The retry redid the first chunk: the department's kept count did not add it twice.
            Assert.Equal((12, 12), ((int)view["projects"]!, (int)view["results"]!));
            Assert.Equal(4, await Database.ScalarAsync<int>(service.ConnectionString,
                "SELECT results FROM run_departments d JOIN departments n ON n.id = d.department_id WHERE d.run_id = @run AND n.name = @Science",
                new { run, Science }));
        }
        finally
        {
            await Database.ExecuteAsync(service.ConnectionString, "DROP TRIGGER fault_2043 ON evaluation_results; DROP FUNCTION fault_2043(); DROP SEQUENCE fault_2043;");
        }
    }

    [Fact]
    public async Task Run_ReRunInPlace_KeepsTheSameRowsWithTheSameIds()
    {
        await service.ImportAsync(2044);
        var run = (long)(await service.RunAsync(2044, "year-end"))["id"]!;
        var before = await RowsAsync(run);
        var ids = await Database.QueryAsync<long>(service.ConnectionString, "SELECT id FROM evaluation_results WHERE run_id = @run ORDER BY id", new { run });
        const string CountScores = "SELECT count(*) FROM indicator_scores s JOIN evaluation_results r ON r.id = s.result_id WHERE r.run_id = @run";
        var scores = await Database.ScalarAsync<long>(service.ConnectionString, CountScores, new { run });

        await service.App.Services.GetRequiredService<Jobs.EvaluationJob>().RunInPlaceAsync(run, CancellationToken.None);

        Assert.Equal(before, await RowsAsync(run));
        Assert.Equal(ids, await Database.QueryAsync<long>(service.ConnectionString, "SELECT id FROM evaluation_results WHERE run_id = @run ORDER BY id", new { run }));
        // 12 projects × (项目资金 + 15 indicators).
        Assert.Equal(192, scores);
        Assert.Equal(192, await Database.ScalarAsync<long>(service.ConnectionString, CountScores, new { run }));
        // The run's counts, kept per department as chunks are stored, are not added to again by the re-run.
        using var client = service.Client(service.FinanceKey);
        var view = await Json.ReadAsync(await client.GetAsync($"/api/evaluations/{run}"));
        var counted = await Database.QueryAsync<(long Without, long Problems)>(service.ConnectionString,
            "SELECT count(*) FILTER (WHERE upload_id IS NULL), count(*) FILTER (WHERE jsonb_array_length(problems) > 0) FROM evaluation_results WHERE run_id = @run",
            new { run });
        Assert.Equal((12, 12), ((int)view["projects"]!, (int)view["results"]!));
        Assert.Equal(counted.Single(), ((long)view["withoutActuals"]!, (long)view["withProblems"]!));
    }
}
