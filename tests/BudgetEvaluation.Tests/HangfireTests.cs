using System.Collections.Concurrent;
using BudgetEvaluation.Tests.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using BudgetEvaluation.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BudgetEvaluation.Tests;

/// <summary>A job that only records that it ran, to prove the hosted Hangfire server processes jobs.</summary>
public sealed class ProbeJob
{
    public static readonly ConcurrentDictionary<string, bool> Ran = new();

    public void Run(string marker) => Ran[marker] = true;
}

public class HangfireTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task EnqueuedJob_RunsOnTheHostedServer_WithStorageInTheServiceDatabase()
    {
        var marker = Guid.NewGuid().ToString("N");
        var jobs = service.App.Services.GetRequiredService<IBackgroundJobClient>();

        var jobId = jobs.Enqueue<ProbeJob>(j => j.Run(marker));

        var storage = service.App.Services.GetRequiredService<JobStorage>();
        var state = await WaitForFinalStateAsync(storage, jobId);
        Assert.Equal("Succeeded", state);
        Assert.True(ProbeJob.Ran.ContainsKey(marker));
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'hangfire'"));
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM hangfire.job WHERE id = @id", new { id = long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture) }));
    }

    [Fact]
    public async Task Dashboard_Auditor_CannotDeleteAJob_FinanceCan()
    {
        var jobs = service.App.Services.GetRequiredService<IBackgroundJobClient>();
        var jobId = jobs.Schedule<ProbeJob>(j => j.Run("never"), TimeSpan.FromDays(1));
        var form = () => new FormUrlEncodedContent([new("jobs[]", jobId)]);
        using var auditor = service.Client(service.AuditorKey);
        using var finance = service.Client(service.FinanceKey);

        var refused = await auditor.PostAsync("/hangfire/jobs/scheduled/delete", form());
        var stateAfterRefusal = StateOf(jobId);
        var accepted = await finance.PostAsync("/hangfire/jobs/scheduled/delete", form());

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Scheduled", stateAfterRefusal);
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE role = 'auditor' AND outcome = 'forbidden' AND subject = 'POST /hangfire/jobs/scheduled/delete'"));
        Assert.True(accepted.IsSuccessStatusCode, accepted.StatusCode.ToString());
        Assert.Equal("Deleted", StateOf(jobId));
    }

    [Fact]
    public async Task JobActivator_TwoHostsInOneProcess_EachBuildsJobsFromItsOwnServices()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var first = BuildHost(connectionString);
        await using var second = BuildHost(connectionString);

        using var scope = first.Services.GetRequiredService<JobActivator>().BeginScope((JobActivatorContext)null!);

        Assert.Same(first.Services.GetRequiredService<NpgsqlDataSource>(), scope.Resolve(typeof(NpgsqlDataSource)));
        Assert.NotSame(second.Services.GetRequiredService<NpgsqlDataSource>(), scope.Resolve(typeof(NpgsqlDataSource)));
    }

    [Fact]
    public async Task EnqueuedJob_AfterAnotherHostInTheProcessWasDisposed_StillRuns()
    {
        // The other host is the last one built, so Hangfire's process-wide log provider is its own; then it goes away.
        var other = BuildHost(await PostgresServer.CreateDatabaseAsync());
        await other.DisposeAsync();
        var marker = Guid.NewGuid().ToString("N");

        var jobId = service.App.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<ProbeJob>(j => j.Run(marker));

        Assert.Equal("Succeeded", await WaitForFinalStateAsync(service.App.Services.GetRequiredService<JobStorage>(), jobId));
        Assert.True(ProbeJob.Ran.ContainsKey(marker));
    }

    /// <summary>A host that is built but never started (building it prepares the Hangfire schema).</summary>
    private static WebApplication BuildHost(string connectionString)
    {
        var builder = ServiceHost.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:BudgetEvaluation"] = connectionString,
            ["BudgetEvaluation:Jobs:Server"] = "false",
        });
        builder.Logging.ClearProviders();
        return ServiceHost.Build(builder);
    }

    private string? StateOf(string jobId)
    {
        using var connection = service.App.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    /// <summary>Polls the job's state until it leaves the queue (bounded: a broken server fails the test, not hangs it).</summary>
    private static async Task<string?> WaitForFinalStateAsync(JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        for (var i = 0; i < 300; i++)
        {
            var state = connection.GetStateData(jobId)?.Name;
            if (state is "Succeeded" or "Failed" or "Deleted")
                return state;
            await Task.Delay(100);
        }
        return connection.GetStateData(jobId)?.Name;
    }
}
