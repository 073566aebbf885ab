using System.Diagnostics;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.RunJobs;

/// <summary>
/// The service without a Hangfire server of its own, and <c>budgeteval worker</c> as a separate process over the same
/// database: every job of a run is done by the worker process.
/// </summary>
public sealed class WorkerProcessFixture : ServiceFixture
{
    private Process? _worker;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("BudgetEvaluation:Jobs:Server", "false")];

    protected override async Task LoadAsync()
    {
        _worker = WorkerProcess.Start(ConnectionString);
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.ThreeDepartments(2026)))).EnsureSuccessStatusCode();
        await ActualsFiles.UploadAsync(client, 2026, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
    }

    public override async Task DisposeAsync()
    {
        await WorkerProcess.StopAsync(_worker);
        await base.DisposeAsync();
    }
}

/// <summary><c>budgeteval worker</c> as a process of its own over a test database.</summary>
public static class WorkerProcess
{
    public static Process Start(string connectionString, params (string Name, string Value)[] settings)
    {
        var start = Cli.StartInfo(connectionString, "worker");
        start.Environment["BudgetEvaluation__Jobs__QueuePollInterval"] = "00:00:00.200";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings)
            start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills the process (as SIGKILL would: no shutdown) and waits for it.</summary>
    public static async Task StopAsync(Process? process)
    {
        if (process is null)
            return;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}

public class WorkerVerbTests(WorkerProcessFixture service) : IClassFixture<WorkerProcessFixture>
{
    [Fact]
    public async Task WorkerVerb_ServiceWithoutAServer_TheWorkerProcessDoesTheWholeRun()
    {
        using var client = service.Client(service.FinanceKey);

        var run = await Runs.StartAndWaitAsync(service, client, 2026, "year-end");

        var servers = await Database.QueryAsync<string>(service.ConnectionString, "SELECT id FROM hangfire.server");
        Assert.Single(servers);
        Assert.Equal(5, await Database.ScalarAsync<long>(service.ConnectionString,
            """
            SELECT count(DISTINCT j.id) FROM hangfire.job j JOIN hangfire.state s ON s.jobid = j.id
            WHERE s.name = 'Processing' AND (s.data::jsonb) ->> 'ServerId' = @server AND (j.arguments::jsonb) ->> 0 = @run::text
            """, new { server = servers[0], run }));
        var e = (await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={run}"))).AsArray()
            .Single(x => (string?)x!["project"] == "“通创荟”和科技招商经费专项")!;
        Assert.Equal(90.15046296296296, (double)e["totalScore"]!, 1e-9);
    }

    [Fact]
    public async Task WorkerVerb_WithoutAConfiguredDatabase_ExitsWithOneAndSaysWhy()
    {
        var result = await Cli.RunAsync("", "worker");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("错误：worker 需要已配置的数据库（环境变量 ConnectionStrings__BudgetEvaluation），与 serve 使用同一个数据库", result.Error.Trim());
    }
}
