using System.Collections.Concurrent;
using BudgetEvaluation.Tests.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

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
