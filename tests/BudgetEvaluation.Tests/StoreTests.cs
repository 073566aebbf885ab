using System.Text;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BudgetEvaluation.Tests;

/// <summary>A migrated database holding the seed's projects (2026), and the stores over it.</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public IReadOnlyList<SavedProject> Projects { get; private set; } = [];

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync();
        await Migrations.ApplyAsync(ConnectionString, NullLogger.Instance);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Projects = await new ProjectStore(DataSource).SaveAsync(TargetImport.Read(Seed.Path).Tables, Seed.FileName, Actor.System);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}

/// <summary>The actuals and evaluation stores the upload API and the scoring jobs write through.</summary>
public class StoreTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    private static readonly Actor Department = new("key:7", Roles.Department, "南通市科学技术局");

    [Fact]
    public async Task Upload_TwoForOneProject_KeepsBothAndTheLatestIsCurrent()
    {
        var store = new ActualsStore(db.DataSource);
        var project = db.Projects.Single(p => p.Name == "办公设备购置").Id;
        var first = await store.SaveAsync(
            new NewUpload(2026, Period.MidYear, "first.csv", "text/csv", Encoding.UTF8.GetBytes("first")),
            [new(2, project, "产出指标/数量指标/购置设备数量", "20台"), new(3, project, "项目资金/执行数", "10")], Department);
        var second = await store.SaveAsync(
            new NewUpload(2026, Period.MidYear, "second.csv", "text/csv", Encoding.UTF8.GetBytes("second")),
            [new(2, project, "产出指标/数量指标/购置设备数量", "25台", "采购提前")], Department);

        var history = await store.HistoryAsync(2026, Period.MidYear, project);
        var (currentUpload, currentRows) = await store.CurrentAsync(project, Period.MidYear);
        var original = await store.ContentAsync(first.Id);

        Assert.Equal([second.Id, first.Id], history.Select(u => u.Id).ToArray());
        Assert.Equal([1, 2], history.Select(u => u.Rows).ToArray());
        Assert.Equal(second.Id, currentUpload);
        var row = Assert.Single(currentRows);
        Assert.Equal("25台", row.RawValue);
        Assert.Equal("采购提前", row.DeviationReason);
        Assert.Equal("first", Encoding.UTF8.GetString(original!.Content));
        Assert.Equal("first.csv", original.FileName);
    }

    [Fact]
    public async Task Upload_Sha256_IsOfTheOriginalBytes()
    {
        var store = new ActualsStore(db.DataSource);
        var project = db.Projects[0].Id;

        var upload = await store.SaveAsync(new NewUpload(2026, Period.YearEnd, "abc.csv", null, Encoding.ASCII.GetBytes("abc")),
            [new(2, project, "项目资金/执行数", "135")], Department);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", upload.Sha256);
        Assert.Equal("key:7", upload.UploadedBy);
        Assert.Equal("year-end", upload.Period);
    }

    [Fact]
    public async Task Upload_RowForAnUnknownProject_StoresNothing()
    {
        var store = new ActualsStore(db.DataSource);
        var project = db.Projects[0].Id;

        await Assert.ThrowsAsync<PostgresException>(() => store.SaveAsync(
            new NewUpload(2026, Period.MidYear, "broken.csv", null, Encoding.UTF8.GetBytes("broken")),
            [new(2, project, "项目资金/执行数", "10"), new(3, 999_999, "项目资金/执行数", "10")], Department));

        Assert.Equal(0, await Database.ScalarAsync<long>(db.ConnectionString, "SELECT count(*) FROM actuals_uploads WHERE file_name = 'broken.csv'"));
        Assert.Equal(0, await Database.ScalarAsync<long>(db.ConnectionString, "SELECT count(*) FROM audit_log WHERE action = 'actuals.upload' AND details ->> 'fileName' = 'broken.csv'"));
    }

    [Fact]
    public async Task Run_Lifecycle_RecordsStatusAndTimes()
    {
        var store = new EvaluationStore(db.DataSource);

        var runId = await store.CreateRunAsync(2026, Period.MidYear, new DateOnly(2026, 6, 30), "default", Actor.System);
        var queued = await store.GetRunAsync(runId);
        await store.SetJobAsync(runId, "42");
        await store.MarkRunningAsync(runId);
        await store.MarkFinishedAsync(runId, null);
        var finished = await store.GetRunAsync(runId);

        Assert.Equal("queued", queued!.Status);
        Assert.Equal(new DateOnly(2026, 6, 30), queued.AsOf);
        Assert.Equal("mid-year", queued.Period);
        Assert.Equal("succeeded", finished!.Status);
        Assert.Equal("42", finished.HangfireJobId);
        Assert.NotNull(finished.StartedAt);
        Assert.NotNull(finished.FinishedAt);
        Assert.Equal(runId, (await store.LatestSucceededRunAsync(2026, Period.MidYear))!.Id);
    }

    [Fact]
    public async Task SaveResult_SameRunAndProjectTwice_LeavesOneResultWithTheLastValues()
    {
        var store = new EvaluationStore(db.DataSource);
        var project = db.Projects[1];
        var runId = await store.CreateRunAsync(2026, Period.YearEnd, new DateOnly(2026, 12, 31), "default", Actor.System);
        const string First = """{"totalScore":80,"funds":{"annualBudget":30,"spent":27,"weight":10,"score":9,"warning":null,"explanation":"10 × 90% / 100% = 9"},"indicators":[{"category":"产出指标","subcategory":"数量指标","indicator":"物业服务面积","target":"=2517.03平方米","actual":"2517.03平方米","weight":50,"score":50,"status":"met","warning":null,"explanation":"达成，得满分"}],"missing":[]}""";
        const string Last = """{"totalScore":59,"funds":{"annualBudget":30,"spent":null,"weight":10,"score":0,"warning":null,"explanation":"未填报执行数，得 0 分"},"indicators":[],"missing":["产出指标/数量指标/物业服务面积"]}""";

        await store.SaveResultAsync(runId, new ProjectResult(project.Id, project.RuleSetId, null, 80m, "良", null, Encoding.UTF8.GetBytes(First), []));
        await store.SaveResultAsync(runId, new ProjectResult(project.Id, project.RuleSetId, null, 59m, "差", null, Encoding.UTF8.GetBytes(Last), ["产出指标/数量指标/物业服务面积"]));

        var result = Assert.Single(await store.ResultsAsync(runId));
        Assert.Equal(59m, result.Total);
        Assert.Equal("差", result.Grade);
        Assert.Equal(Last, result.Result);
        Assert.Equal(["全年预算数 30万元||10.00|0.00|||未填报执行数，得 0 分"],
            (await store.IndicatorScoresAsync(result.Id)).Select(Line).ToArray());
        Assert.Equal("""["产出指标/数量指标/物业服务面积"]""", await Database.ScalarAsync<string>(db.ConnectionString,
            "SELECT missing::text FROM evaluation_results WHERE id = @id", new { id = result.Id }));
    }

    [Fact]
    public async Task IndicatorScores_StoredResult_ListsFundsThenEachIndicatorFromTheResult()
    {
        var store = new EvaluationStore(db.DataSource);
        var project = db.Projects[3];
        var runId = await store.CreateRunAsync(2026, Period.YearEnd, new DateOnly(2026, 12, 31), "default", Actor.System);
        const string Json = """{"funds":{"annualBudget":12.5,"spent":11.25,"weight":10,"score":9,"warning":null,"explanation":"10 × 90% / 100% = 9"},"indicators":[{"category":"产出指标","subcategory":"数量指标","indicator":"物业服务面积","target":"=2517.03平方米","actual":"2517.03平方米","weight":18.75,"score":18.75,"status":"met","warning":null,"explanation":"达成，得满分"},{"category":"效益指标","subcategory":"社会效益","indicator":"群众满意度","target":"≥90%","actual":null,"weight":33.75,"score":0,"status":"missing","warning":null,"explanation":"未填报，得 0 分"}],"missing":["效益指标/社会效益/群众满意度"]}""";

        await store.SaveResultAsync(runId, new ProjectResult(project.Id, project.RuleSetId, null, 27.75m, "差", null, Encoding.UTF8.GetBytes(Json), ["效益指标/社会效益/群众满意度"]));

        var result = Assert.Single(await store.ResultsAsync(runId));
        Assert.Equal(
            [
                "全年预算数 12.5万元|11.25|10.00|9.00|||10 × 90% / 100% = 9",
                "=2517.03平方米|2517.03平方米|18.75|18.75|met||达成，得满分",
                "≥90%||33.75|0.00|missing||未填报，得 0 分",
            ],
            (await store.IndicatorScoresAsync(result.Id)).Select(Line).ToArray());
        Assert.Equal(["项目资金/执行数", "产出指标/数量指标/物业服务面积", "效益指标/社会效益/群众满意度"],
            (await store.IndicatorScoresAsync(result.Id)).Select(s => s.IndicatorPath).ToArray());
    }

    private static string Line(IndicatorScoreRecord s) =>
        string.Join('|', s.Target, s.Actual, s.Points?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            s.Score?.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Status, s.Warning, s.Explanation);

    [Fact]
    public async Task SaveResult_AnotherRun_KeepsTheEarlierRunsResult()
    {
        var store = new EvaluationStore(db.DataSource);
        var project = db.Projects[2];
        var first = await store.CreateRunAsync(2026, Period.YearEnd, new DateOnly(2026, 12, 31), "default", Actor.System);
        var second = await store.CreateRunAsync(2026, Period.YearEnd, new DateOnly(2026, 12, 31), "default", Actor.System);

        await store.SaveResultAsync(first, new ProjectResult(project.Id, project.RuleSetId, null, 91m, "优", null, Encoding.UTF8.GetBytes("{}"), []));
        await store.SaveResultAsync(second, new ProjectResult(project.Id, project.RuleSetId, null, 85m, "良", null, Encoding.UTF8.GetBytes("{}"), []));

        Assert.Equal(91m, Assert.Single(await store.ResultsAsync(first)).Total);
        Assert.Equal(85m, Assert.Single(await store.ResultsAsync(second)).Total);
    }
}
