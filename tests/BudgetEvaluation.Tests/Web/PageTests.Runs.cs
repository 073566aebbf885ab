using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.Web;

/// <summary>The run pages over plain HTTP: who may start a run, the status the script polls, the refresh without script.</summary>
public partial class PageTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task StartRun_Department_IsSentToTheForbiddenPage(string method)
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);

        var response = await client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/runs/new"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/forbidden", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task StartRun_UnknownScheme_ShowsTheApisRefusalAndStartsNothing()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);
        var before = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs");

        var response = await client.PostFormAsync("/runs/new", new() { ["Year"] = "2026", ["period"] = "year-end", ["Scheme"] = "nope" });
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("无法发起评价：没有评分方案“nope”；可用的方案：decision-process、default、time-progress", page.QuerySelector("#start-error")!.TextContent);
        Assert.Equal(before, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs"));
    }

    [Fact]
    public async Task RunStatus_ForTheSession_IsTheApisViewOfTheRun()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);
        using var api = service.Client(service.FinanceKey);
        var id = service.YearEndRun.ToString(CultureInfo.InvariantCulture);

        var page = await Json.ReadAsync(await client.Http.GetAsync($"/runs/{id}/status"));
        var fromApi = await Json.ReadAsync(await api.GetAsync($"/api/evaluations/{id}"));

        Assert.True(JsonNode.DeepEquals(fromApi, page), page.ToJsonString());
        Assert.Equal("succeeded", (string?)page["status"]);
        Assert.Equal(12, (int)page["results"]!);
    }

    [Fact]
    public async Task RunPage_Finished_LinksToTheDashboardAndRefreshesNoMore()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync($"/runs/{service.YearEndRun.ToString(CultureInfo.InvariantCulture)}");

        Assert.Equal("已完成", page.QuerySelector("#run-status")!.TextContent);
        Assert.Equal("/?year=2026&period=year-end", page.QuerySelector("#to-dashboard")!.GetAttribute("href"));
        Assert.Empty(page.QuerySelectorAll("script, noscript"));
    }

    [Fact]
    public async Task RunPage_Queued_PollsByScriptWithAMetaRefreshWithoutIt()
    {
        // A run nobody will pick up (no job enqueued): the page of a run still waiting.
        var runId = await service.App.Services.GetRequiredService<EvaluationStore>()
            .CreateRunAsync(WebFixture.YearWithoutRuns, Period.MidYear, new DateOnly(2027, 6, 30), "default", Actor.System);
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (response, page) = await client.GetAsync($"/runs/{runId.ToString(CultureInfo.InvariantCulture)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("排队中", page.QuerySelector("#run-status")!.TextContent);
        Assert.StartsWith("/assets/run-status.js?v=", page.QuerySelector("script")!.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"2\">", page.QuerySelector("noscript")!.InnerHtml, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("#to-dashboard"));
    }

    [Fact]
    public async Task RunPage_UnknownRun_Is404()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (response, page) = await client.GetAsync("/runs/999999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("评价批次不存在", page.QuerySelector(".refusal h1")!.TextContent);
    }
}
