using BudgetEvaluation.Hosting;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BudgetEvaluation.Tests.RunJobs;

/// <summary>
/// The service with its Hangfire server over a PostgreSQL cluster of its own (the test stops and starts it), the seed
/// as 2026 over three departments and the year-end fixture uploaded; chunks of 2 projects, retries 1 s apart.
/// </summary>
public sealed class RunRestartFixture : ServiceFixture
{
    public LocalPostgres Cluster { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("BudgetEvaluation:Jobs:ChunkSize", "2"),
        new("BudgetEvaluation:Jobs:RetryDelays:0", "00:00:01"),
        new("BudgetEvaluation:Jobs:RetryDelays:1", "00:00:01"),
        new("BudgetEvaluation:Jobs:RetryDelays:2", "00:00:01"),
    ];

    protected override async Task<string> CreateDatabaseAsync()
    {
        Cluster = await LocalPostgres.StartAsync(Path.Combine(Path.GetTempPath(), "budgeteval-run-restart-tests"));
        await Cluster.CreateDatabaseAsync("runrestart");
        return Cluster.ConnectionString("runrestart");
    }

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.ThreeDepartments(2026)))).EnsureSuccessStatusCode();
        await ActualsFiles.UploadAsync(client, 2026, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>PostgreSQL restarted while a run's department jobs are inside their transactions: the run is retried to completion.</summary>
public class RunRestartTests(RunRestartFixture service) : IClassFixture<RunRestartFixture>
{
    /// <summary>The test's own connections, unpooled: a pooled connection would be broken by the restart too.</summary>
    private string Unpooled => service.ConnectionString + ";Pooling=false";

    [Fact]
    public async Task Run_PostgresRestartedWhileDepartmentJobsWriteResults_IsRetriedToCompletion_SameResultsNoDuplicates()
    {
        using var client = service.Client(service.FinanceKey);
        var clean = await Runs.StartAndWaitAsync(service, client, 2026, "year-end");
        long run;
        // The department jobs write their results under a table lock the test holds: they pull, then wait inside their
        // first chunk's transaction, where the restart catches them.
        await using (var holder = new NpgsqlConnection(Unpooled))
        {
            await holder.OpenAsync();
            await using var transaction = await holder.BeginTransactionAsync();
            await using (var tableLock = new NpgsqlCommand("LOCK TABLE evaluation_results IN EXCLUSIVE MODE", holder, transaction))
                await tableLock.ExecuteNonQueryAsync();
            var response = await client.PostAsync("/api/evaluations?year=2026&period=year-end", null);
            run = (long)(await Json.ReadAsync(response))["id"]!;
            // The fixture's two workers: two department jobs wait on the lock, the third is queued behind them.
            await WaitForAsync("SELECT count(*) >= 2 FROM pg_locks WHERE relation = 'evaluation_results'::regclass AND NOT granted");
            Assert.Equal(0, await Database.ScalarAsync<long>(Unpooled, "SELECT count(*) FROM evaluation_results WHERE run_id = @run", new { run }));

            await service.Cluster.StopServerAsync();
            await service.Cluster.StartAgainAsync();
        }

        var status = await Runs.WaitAsync(client, run);

        if ((string?)status["status"] != "succeeded")
            Assert.Fail(status.ToJsonString() + "\n" + string.Join("\n", service.Logs.Lines.Where(l => l.Message.Contains("rror") || l.EventId > 1400).Select(l => $"{l.EventId} {l.Message}")));
        Assert.All(status["departments"]!.AsArray(), d => Assert.Equal(("succeeded", false), ((string?)d!["status"], (bool)d["late"]!)));
        // The two departments caught by the restart ran twice, the one queued behind them once.
        Assert.Equal([1, 2, 2], status["departments"]!.AsArray().Select(d => (int)d!["attempts"]!).Order());
        Assert.All(await Runs.JobStatesAsync(Unpooled, run), job => Assert.Equal("Succeeded", job.State));
        Assert.Equal(await RowsAsync(clean), await RowsAsync(run));
        Assert.Equal(12, await Database.ScalarAsync<long>(Unpooled, "SELECT count(*) FROM evaluation_results WHERE run_id = @run", new { run }));
        Assert.Equal(192, await IndicatorScoresAsync(clean));
        Assert.Equal(192, await IndicatorScoresAsync(run));
        var results = await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={run}"));
        var e = results.AsArray().Single(x => (string?)x!["project"] == "“通创荟”和科技招商经费专项")!;
        Assert.Equal(90.15046296296296, (double)e["totalScore"]!, 1e-9);
        Assert.Equal("优", (string?)e["grade"]);
        Assert.Equal(81.25, (double)results.AsArray().Single(x => (string?)x!["project"] == "科研机构建设专项")!["totalScore"]!, 1e-9);
        var summary = status["summary"]!;
        Assert.Equal((12, 12), ((int)summary["projects"]!, (int)summary["scored"]!));
    }

    [Fact]
    public async Task Run_PostgresRestartedWhileTheServerIsIdle_TheNextRunCompletes()
    {
        using var client = service.Client(service.FinanceKey);
        var before = await Runs.StartAndWaitAsync(service, client, 2026, "year-end");

        // Every connection the Hangfire server and the service hold in the pool is broken by the restart.
        await service.Cluster.StopServerAsync();
        await service.Cluster.StartAgainAsync();
        var response = await client.PostAsync("/api/evaluations?year=2026&period=year-end", null);
        var run = (long)(await Json.ReadAsync(response))["id"]!;
        var status = await Runs.WaitAsync(client, run);

        Assert.Equal("succeeded", (string?)status["status"]);
        Assert.Equal(await RowsAsync(before), await RowsAsync(run));
    }

    private async Task<long> IndicatorScoresAsync(long run) =>
        await Database.ScalarAsync<long>(Unpooled,
            "SELECT count(*) FROM indicator_scores s JOIN evaluation_results r ON r.id = s.result_id WHERE r.run_id = @run", new { run });

    /// <summary>Waits (bounded) until the condition holds.</summary>
    private async Task WaitForAsync(string condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await Database.ScalarAsync<bool>(Unpooled, condition))
                return;
            await Task.Delay(100);
        }
        Assert.Fail($"never: {condition}");
    }

    private async Task<List<string>> RowsAsync(long run) =>
        await Database.QueryAsync<string>(Unpooled,
            """
            SELECT concat_ws('|', p.name, r.rule_set_id, r.upload_id, r.total, r.grade, r.result::text, r.problems::text,
                   (SELECT string_agg(concat_ws('~', s.position, s.indicator_path, s.actual, s.points, s.score, s.status, s.explanation), '#' ORDER BY s.position)
                    FROM indicator_scores s WHERE s.result_id = r.id))
            FROM evaluation_results r JOIN projects p ON p.id = r.project_id WHERE r.run_id = @run ORDER BY p.name
            """, new { run });
}
