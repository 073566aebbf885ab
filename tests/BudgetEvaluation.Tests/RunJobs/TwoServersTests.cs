using BudgetEvaluation.Hosting;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BudgetEvaluation.Tests.RunJobs;

/// <summary>The service and a worker-only host (<c>budgeteval worker</c>'s host) sharing one database and Hangfire storage.</summary>
public sealed class TwoServersFixture : ServiceFixture
{
    public IHost Worker { get; private set; } = null!;

    protected override async Task LoadAsync()
    {
        var builder = WorkerHost.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:BudgetEvaluation"] = ConnectionString,
            ["BudgetEvaluation:Jobs:WorkerCount"] = "2",
            ["BudgetEvaluation:Jobs:QueuePollInterval"] = "00:00:00.200",
            ["BudgetEvaluation:Jobs:SchedulePollingInterval"] = "00:00:01",
        });
        builder.Logging.ClearProviders();
        Worker = WorkerHost.Build(builder);
        await Worker.StartAsync();
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.ThreeDepartments(2026)))).EnsureSuccessStatusCode();
        await ActualsFiles.UploadAsync(client, 2026, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
    }

    public override async Task DisposeAsync()
    {
        await Worker.StopAsync();
        Worker.Dispose();
        await base.DisposeAsync();
    }
}

public class TwoServersTests(TwoServersFixture service) : IClassFixture<TwoServersFixture>
{
    [Fact]
    public async Task Run_TwoServersSharingTheStorage_CompletesWithEachDepartmentScoredOnce()
    {
        using var client = service.Client(service.FinanceKey);

        var runs = new List<long>();
        for (var i = 0; i < 3; i++)
            runs.Add(await Runs.StartAndWaitAsync(service, client, 2026, "year-end"));

        Assert.Equal(2, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM hangfire.server"));
        foreach (var run in runs)
        {
            // Each department once: one attempt, one job, processed once.
            Assert.Equal([1, 1, 1], await Database.QueryAsync<int>(service.ConnectionString,
                "SELECT attempts FROM run_departments WHERE run_id = @run AND status = 'succeeded'", new { run }));
            Assert.Equal([1, 1, 1], await Database.QueryAsync<int>(service.ConnectionString,
                """
                SELECT (SELECT count(*)::int FROM hangfire.state s WHERE s.jobid = d.hangfire_job_id::bigint AND s.name = 'Processing')
                FROM run_departments d WHERE d.run_id = @run
                """, new { run }));
            Assert.Equal(12, await Database.ScalarAsync<long>(service.ConnectionString,
                "SELECT count(*) FROM evaluation_results WHERE run_id = @run", new { run }));
            var e = (await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={run}"))).AsArray()
                .Single(x => (string?)x!["project"] == "“通创荟”和科技招商经费专项")!;
            Assert.Equal(90.15046296296296, (double)e["totalScore"]!, 1e-9);
        }
    }
}
