using System.Net;
using System.Net.Sockets;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs.Sources;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.Sources;

/// <summary>A department's HTTP feed against a real local server: retries with back-off, refusals, the key kept secret.</summary>
public class HttpFeedSourceTests(SourcesFixture db) : IClassFixture<SourcesFixture>
{
    private const string Science = SourcesFixture.Science;
    private const string Finance = SourcesFixture.Finance;
    private const string Key = "feed-key-4f1c9a7e2b";

    [Fact]
    public async Task Pull_FeedFailingTwiceThenAnswering_StoresTheActualsAfterRetrying()
    {
        var departments = await db.SeedAsync(2051);
        var json = PulledActuals.ToJson(PulledActuals.YearEndCsv);
        await using var server = await FeedServer.StartAsync((context, attempt) => attempt switch
        {
            1 => Status(context, StatusCodes.Status503ServiceUnavailable),
            // The connection dropped without an answer.
            2 => Abort(context),
            _ => FeedServer.Json(context, json),
        });
        var logs = new CapturedLogs();
        await using var services = db.Services(Feed(server.Url), logs);

        var pulled = await Source(services).PullAsync(Request(2051, Science, departments), default);

        var file = Assert.Single(pulled);
        Assert.Equal(("http-feed:南通市科学技术局", "南通市科学技术局-2051-year-end.json", "accepted"), (file.Source, file.FileName, file.Outcome));
        Assert.Empty(file.Errors);
        Assert.Equal(3, server.Requests);
        Assert.All(server.Seen, s => Assert.Equal(("?year=2051&period=year-end", Key), s));
        var rows = await services.GetRequiredService<ActualsStore>().CurrentRowsAsync(2051, Period.YearEnd);
        Assert.Equal(179, rows.Count);
        Assert.All(rows, r => Assert.Equal(file.UploadId, r.UploadId));
        Assert.Equal("1700个", rows.Single(r => r.IndicatorPath == "产出指标/数量指标/招引科创项目数").RawValue);
        Assert.Equal(["http-feed:南通市科学技术局|source:http-feed:南通市科学技术局|application/json"], await Database.QueryAsync<string>(db.ConnectionString,
            "SELECT source || '|' || uploaded_by || '|' || content_type FROM actuals_uploads WHERE year = 2051"));
        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_FeedNeverAnswering_ThrowsSourceUnavailableNamingDepartmentAndAddress()
    {
        var departments = await db.SeedAsync(2052);
        await using var server = await FeedServer.StartAsync((context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var logs = new CapturedLogs();
        await using var services = db.Services(Feed(server.Url, retries: 2), logs);

        var ex = await Assert.ThrowsAsync<SourceUnavailableException>(() => Source(services).PullAsync(Request(2052, Science, departments), default));

        Assert.Equal("http-feed:南通市科学技术局", ex.SourceName);
        Assert.Equal($"主管部门“南通市科学技术局”的实际完成值数据源“{server.Url}”暂不可用：重试 2 次后仍超时（每次 0.3 秒）", ex.Message);
        Assert.Equal(3, server.Requests);
        Assert.Equal(0, await db.UploadCountAsync(2052));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_FeedRefusingConnections_ThrowsSourceUnavailable()
    {
        var departments = await db.SeedAsync(2053);
        var url = $"http://127.0.0.1:{ClosedPort()}/actuals";
        await using var services = db.Services(Feed(url, retries: 1));

        var ex = await Assert.ThrowsAsync<SourceUnavailableException>(() => Source(services).PullAsync(Request(2053, Science, departments), default));

        Assert.StartsWith($"主管部门“南通市科学技术局”的实际完成值数据源“{url}”暂不可用：重试 1 次后仍无法连接", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_FeedAlwaysFailingWith503_ThrowsSourceUnavailableAfterTheRetries()
    {
        var departments = await db.SeedAsync(2054);
        await using var server = await FeedServer.StartAsync((context, _) => Status(context, StatusCodes.Status503ServiceUnavailable));
        await using var services = db.Services(Feed(server.Url, retries: 3));

        var ex = await Assert.ThrowsAsync<SourceUnavailableException>(() => Source(services).PullAsync(Request(2054, Science, departments), default));

        Assert.Equal($"主管部门“南通市科学技术局”的实际完成值数据源“{server.Url}”暂不可用：重试 3 次后仍返回 503 Service Unavailable", ex.Message);
        Assert.Equal(4, server.Requests);
    }

    [Fact]
    public async Task Pull_WrongKey_IsRejectedOnceWithoutRetrying()
    {
        var departments = await db.SeedAsync(2055);
        await using var server = await FeedServer.StartAsync((context, _) =>
            context.Request.Headers["X-Api-Key"] == "the-right-key" ? FeedServer.Json(context, "[]") : Status(context, StatusCodes.Status401Unauthorized));
        await using var services = db.Services(Feed(server.Url));

        var pulled = await Source(services).PullAsync(Request(2055, Science, departments), default);

        var file = Assert.Single(pulled);
        Assert.Equal(("rejected", (long?)null), (file.Outcome, file.UploadId));
        var error = Assert.Single(file.Errors);
        Assert.Equal(("南通市科学技术局-2055-year-end.json", 0, "HTTP"), (error.File, error.Line, error.Field));
        Assert.Equal($"数据源“{server.Url}”拒绝了密钥（401 Unauthorized）：请检查配置 BudgetEvaluation:Sources:HttpFeeds 中主管部门“南通市科学技术局”的 Key，未保存任何数据",
            error.Message);
        Assert.Equal(1, server.Requests);
        Assert.Equal(0, await db.UploadCountAsync(2055));
    }

    [Fact]
    public async Task Pull_FeedAnsweringInvalidJson_IsRejectedWithTheJsonError()
    {
        var departments = await db.SeedAsync(2056);
        await using var server = await FeedServer.StartAsync((context, _) => FeedServer.Json(context, "{\"项目名称\": "));
        await using var services = db.Services(Feed(server.Url));

        var file = Assert.Single(await Source(services).PullAsync(Request(2056, Science, departments), default));

        Assert.Equal("rejected", file.Outcome);
        var error = Assert.Single(file.Errors);
        Assert.Equal(("南通市科学技术局-2056-year-end.json", 0, "文件"), (error.File, error.Line, error.Field));
        Assert.StartsWith("不是有效的 JSON（", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
        Assert.Equal(0, await db.UploadCountAsync(2056));
    }

    [Fact]
    public async Task Pull_SameAnswerTwice_IsUnchangedTheSecondTime()
    {
        var departments = await db.SeedAsync(2057, split: true);
        var json = PulledActuals.ToJson(PulledActuals.OnlyProject(PulledActuals.YearEndCsv, SourcesFixture.TongChuangHui));
        await using var server = await FeedServer.StartAsync((context, _) => FeedServer.Json(context, json));
        await using var services = db.Services(Feed(server.Url, department: Finance));
        var source = Source(services);

        var first = Assert.Single(await source.PullAsync(Request(2057, Finance, departments), default));
        var second = Assert.Single(await source.PullAsync(Request(2057, Finance, departments), default));

        Assert.Equal("accepted", first.Outcome);
        Assert.Equal(("unchanged", first.UploadId), (second.Outcome, second.UploadId));
        Assert.Equal(1, await db.UploadCountAsync(2057));
        Assert.Equal(15, (await services.GetRequiredService<ActualsStore>().CurrentRowsAsync(2057, Period.YearEnd, departments[Finance])).Count);
    }

    [Fact]
    public async Task Pull_OtherDepartment_AsksTheFeedNothing()
    {
        var departments = await db.SeedAsync(2058, split: true);
        await using var server = await FeedServer.StartAsync((context, _) => FeedServer.Json(context, "[]"));
        await using var services = db.Services(Feed(server.Url, department: Finance));

        var pulled = await Source(services).PullAsync(Request(2058, Science, departments), default);

        Assert.Empty(pulled);
        Assert.Equal(0, server.Requests);
    }

    private static SourcesOptions Feed(string url, int retries = 3, string department = Science) => new()
    {
        HttpFeeds =
        [
            new HttpFeedOptions
            {
                Department = department, Url = url, Key = Key, Retries = retries,
                Timeout = TimeSpan.FromMilliseconds(300), RetryDelay = TimeSpan.FromMilliseconds(10),
            },
        ],
    };

    private static IActualsSource Source(IServiceProvider services) => Assert.Single(services.GetServices<IActualsSource>());

    private static PullRequest Request(int year, string department, IReadOnlyDictionary<string, long> departments) =>
        new(RunId: 1, year, Period.YearEnd, departments[department], department);

    private static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static Task Abort(HttpContext context)
    {
        context.Abort();
        return Task.CompletedTask;
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
