using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>The demo actuals files (copies of the Core tests' fixtures) and forms to upload actuals with.</summary>
public static class ActualsFiles
{
    public const string YearEndFile = "actuals-year-end.csv";
    public const string MidYearFile = "actuals-mid-year.csv";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "demo");

    /// <summary>A Core tests' actuals fixture, copied beside the test binaries.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Folder, file));

    public static string Text(string file) => File.ReadAllText(Path.Combine(Folder, file));

    /// <summary>A multipart form with the bytes as its one file.</summary>
    public static MultipartFormDataContent Form(byte[] content, string fileName, string contentType = "text/csv")
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    public static MultipartFormDataContent Form(string csv, string fileName) => Form(Encoding.UTF8.GetBytes(csv), fileName);

    /// <summary>Uploads and returns the stored upload's id (the upload must be accepted).</summary>
    public static async Task<long> UploadAsync(HttpClient client, int year, string period, HttpContent content)
    {
        var response = await client.PostAsync($"/api/actuals?year={year}&period={period}", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (long)JsonNode.Parse(body)!["upload"]!["id"]!;
    }
}

/// <summary>Scoring runs through the API.</summary>
public static class Runs
{
    /// <summary>Starts a run (202 expected) and waits for it to succeed; returns its id.</summary>
    public static async Task<long> StartAndWaitAsync(ServiceFixture service, HttpClient finance, int year, string period, string query = "")
    {
        var response = await finance.PostAsync($"/api/evaluations?year={year}&period={period}{query}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        var id = (long)JsonNode.Parse(body)!["id"]!;
        var status = await WaitAsync(finance, id);
        if ((string?)status["status"] != "succeeded")
            Assert.Fail(status.ToJsonString() + "\n" + await JobReportAsync(service, id));
        return id;
    }

    /// <summary>Polls GET /api/evaluations/{id} until the run leaves queued/running (bounded: a stuck job fails the test, not hangs it).</summary>
    public static async Task<JsonNode> WaitAsync(HttpClient client, long runId)
    {
        JsonNode status = new JsonObject();
        for (var i = 0; i < 600; i++)
        {
            status = await Json.ReadAsync(await client.GetAsync($"/api/evaluations/{runId}"));
            if ((string?)status["status"] is "succeeded" or "failed")
                return status;
            await Task.Delay(100);
        }
        return status;
    }

    /// <summary>
    /// The type and state of each Hangfire job of a run, in order, once none is still processing: the summary job marks
    /// the run finished from inside itself, so Hangfire records it Succeeded a moment after the run reads succeeded.
    /// </summary>
    public static async Task<List<(string Type, string State)>> JobStatesAsync(string connectionString, long runId)
    {
        List<(string Type, string State)> jobs = [];
        for (var i = 0; i < 100; i++)
        {
            jobs = await Database.QueryAsync<(string, string)>(connectionString,
                """
                SELECT invocationdata ->> 'Type', statename FROM hangfire.job
                WHERE (arguments::jsonb) ->> 0 = @runId::text AND invocationdata ->> 'Type' LIKE 'BudgetEvaluation.Jobs.%'
                ORDER BY id
                """, new { runId });
            if (jobs.All(j => j.State != "Processing"))
                break;
            await Task.Delay(100);
        }
        return jobs;
    }

    /// <summary>What Hangfire knows of a run's job and its servers, for the message of a run that did not succeed.</summary>
    public static async Task<string> JobReportAsync(ServiceFixture service, long runId)
    {
        var jobId = await Database.ScalarAsync<string>(service.ConnectionString,
            "SELECT coalesce(hangfire_job_id, '') FROM evaluation_runs WHERE id = @runId", new { runId });
        var monitoring = service.App.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var history = monitoring.JobDetails(jobId)?.History
            .Select(h => $"{h.CreatedAt:O} {h.StateName} {h.Reason} {string.Join("; ", h.Data.Select(kv => $"{kv.Key}={kv.Value}"))}") ?? ["no such job"];
        var servers = monitoring.Servers().Select(s => $"server {s.Name} workers {s.WorkersCount} heartbeat {s.Heartbeat:O}");
        var queues = monitoring.Queues().Select(q => $"queue {q.Name} length {q.Length} fetched {q.Fetched}");
        return $"job {jobId} at {DateTime.UtcNow:O}:\n" + string.Join("\n", history.Concat(servers).Concat(queues));
    }
}
