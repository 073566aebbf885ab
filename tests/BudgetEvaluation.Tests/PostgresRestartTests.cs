using System.Net;
using System.Text.Json.Nodes;
using BudgetEvaluation.Hosting;
using BudgetEvaluation.Tests.Infrastructure;
using Npgsql;

namespace BudgetEvaluation.Tests;

/// <summary>
/// The service over a PostgreSQL cluster of its own (the tests stop and start it), with the seed as 2026. No Hangfire
/// server: only uploads are tried here.
/// </summary>
public sealed class RestartFixture : ServiceFixture
{
    public LocalPostgres Cluster { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("BudgetEvaluation:Jobs:Server", "false")];

    protected override async Task<string> CreateDatabaseAsync()
    {
        Cluster = await LocalPostgres.StartAsync(Path.Combine(Path.GetTempPath(), "budgeteval-restart-tests"));
        await Cluster.CreateDatabaseAsync("restart");
        return Cluster.ConnectionString("restart");
    }

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2026)))).EnsureSuccessStatusCode();
    }

    public async Task RestartAsync()
    {
        await Cluster.StopServerAsync();
        await Cluster.StartAgainAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>PostgreSQL restarted during an upload: the upload is stored whole or not at all, the answer says so in Chinese, the next one works.</summary>
public class PostgresRestartTests(RestartFixture service) : IClassFixture<RestartFixture>
{
    private static MultipartFormDataContent File(string name) => ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), name);

    /// <summary>The test's own reads, unpooled: a pooled connection would be broken by the restart too.</summary>
    private Task<long> CountAsync(string sql, object? parameters = null) => Database.ScalarAsync<long>(service.ConnectionString + ";Pooling=false", sql, parameters);

    [Fact]
    public async Task Upload_PostgresRestartedWhileItsTransactionIsOpen_IsRefusedWith503StoresNothingAndTheNextUploadIsStored()
    {
        using var client = service.Client(service.DepartmentKey);
        var uploadsBefore = await CountAsync("SELECT count(*) FROM actuals_uploads");
        var rowsBefore = await CountAsync("SELECT count(*) FROM actual_rows");
        // Uploads of a year and period take turns on an advisory lock inside their transaction: holding it here stops
        // the upload mid-transaction (fiscal year written, upload not yet), where the restart then catches it.
        await using (var holder = new NpgsqlConnection(service.ConnectionString + ";Pooling=false"))
        {
            await holder.OpenAsync();
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('actuals_uploads'), hashtext('2026/year-end'))", holder))
                await lockCommand.ExecuteNonQueryAsync();
            var upload = client.PostAsync("/api/actuals?year=2026&period=year-end", File("interrupted.csv"));
            await WaitForLockWaiterAsync();

            await service.RestartAsync();

            var response = await upload;
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(body)!;
            Assert.Equal("服务不可用", (string?)problem["title"]);
            Assert.Equal("数据库连接中断（数据库可能正在重启），请求未能完成，请稍后重试。每次导入或上传都在一个事务中保存：要么完整保存，要么什么也没有保存；如不确定，可查看上传历史。",
                (string?)problem["detail"]);
            Assert.DoesNotContain("Exception", body);
            Assert.DoesNotContain(" at ", body);
        }

        Assert.Equal(uploadsBefore, await CountAsync("SELECT count(*) FROM actuals_uploads"));
        Assert.Equal(rowsBefore, await CountAsync("SELECT count(*) FROM actual_rows"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'actuals.upload' AND details ->> 'FileName' = 'interrupted.csv'"));

        var id = await ActualsFiles.UploadAsync(client, 2026, "year-end", File("after-restart.csv"));
        Assert.Equal(179, await CountAsync("SELECT count(*) FROM actual_rows WHERE upload_id = @id", new { id }));
    }

    [Fact]
    public async Task Upload_PostgresRestartedBetweenRequests_TheNextUploadIsStored()
    {
        using var client = service.Client(service.FinanceKey);
        // Several requests at once leave several open connections in the pool, all of which the restart breaks.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetAsync("/api/projects?year=2026")));
        var before = await ActualsFiles.UploadAsync(client, 2026, "mid-year", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.MidYearFile), "before.csv"));
        var rows = await CountAsync("SELECT count(*) FROM actual_rows WHERE upload_id = @before", new { before });

        await service.RestartAsync();

        var id = await ActualsFiles.UploadAsync(client, 2026, "mid-year", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.MidYearFile), "after.csv"));
        Assert.Equal(rows, await CountAsync("SELECT count(*) FROM actual_rows WHERE upload_id = @id", new { id }));
        // What was committed before the restart is still there, whole.
        Assert.Equal(rows, await CountAsync("SELECT count(*) FROM actual_rows WHERE upload_id = @before", new { before }));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/projects?year=2026")).StatusCode);
    }

    [Fact]
    public async Task Upload_PostgresDown_Is503InChineseAndAfterItsStartTheUploadIsStored()
    {
        using var client = service.Client(service.FinanceKey);
        var uploadsBefore = await CountAsync("SELECT count(*) FROM actuals_uploads");

        await service.Cluster.StopServerAsync();
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync("/api/actuals?year=2026&period=year-end", File("while-down.csv"));
        }
        finally
        {
            await service.Cluster.StartAgainAsync();
        }

        // Authentication reads the key from the database first: it too answers 503, not 500 or 401.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("数据库连接中断", (string?)(await Json.ReadAsync(response))["detail"]);
        Assert.Equal(uploadsBefore, await CountAsync("SELECT count(*) FROM actuals_uploads"));
        var id = await ActualsFiles.UploadAsync(client, 2026, "year-end", File("after-start.csv"));
        Assert.Equal(179, await CountAsync("SELECT count(*) FROM actual_rows WHERE upload_id = @id", new { id }));
    }

    [Fact]
    public async Task ImportTargets_PostgresRestartedWhileItsTransactionIsOpen_IsRefusedWith503AndNoProjectGetsAVersion()
    {
        using var client = service.Client(service.FinanceKey);
        // The first table (“通创荟”) and the last (产学研合作交流专项) get new targets: the import versions the first, then
        // waits for the last project's row, which the test holds; the restart catches it there.
        var changed = Seed.Text(2026)
            .Replace("招引科创项目数\t≥900个\t≥1800个", "招引科创项目数\t≥900个\t≥1900个", StringComparison.Ordinal)
            .Replace("全市实施产学研合作项目数\t≥800项\t≥1600项", "全市实施产学研合作项目数\t≥800项\t≥1700项", StringComparison.Ordinal);
        Assert.NotEqual(Seed.Text(2026), changed);
        var versionsBefore = await CountAsync("SELECT count(*) FROM rule_sets");
        await using (var holder = new NpgsqlConnection(service.ConnectionString + ";Pooling=false"))
        {
            await holder.OpenAsync();
            await using var transaction = await holder.BeginTransactionAsync();
            await using (var rowLock = new NpgsqlCommand("SELECT id FROM projects WHERE year = 2026 AND name = '产学研合作交流专项' FOR UPDATE", holder, transaction))
                Assert.NotNull(await rowLock.ExecuteScalarAsync());
            var import = client.PostAsync("/api/targets", Seed.Form(changed));
            await WaitForLockWaiterAsync("transactionid");

            await service.RestartAsync();

            var response = await import;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.StartsWith("数据库连接中断", (string?)(await Json.ReadAsync(response))["detail"]);
        }

        Assert.Equal(versionsBefore, await CountAsync("SELECT count(*) FROM rule_sets"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'targets.import' AND outcome = 'succeeded' AND details::text LIKE '%versioned%'"));
        var again = await Json.ReadAsync(await client.PostAsync("/api/targets", Seed.Form(changed)));
        Assert.Equal(2, (int)again["versioned"]!);
    }

    /// <summary>Waits (bounded) until a session waits for a lock of that type: the request is inside its transaction.</summary>
    private async Task WaitForLockWaiterAsync(string lockType = "advisory")
    {
        for (var i = 0; i < 300; i++)
        {
            if (await CountAsync("SELECT count(*) FROM pg_locks WHERE locktype = @lockType AND NOT granted", new { lockType }) > 0)
                return;
            await Task.Delay(100);
        }
        Assert.Fail("the request never reached its transaction");
    }
}
