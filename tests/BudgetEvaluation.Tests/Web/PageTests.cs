using System.Globalization;
using System.Net;
using BudgetEvaluation.Data;
using BudgetEvaluation.Tests.Infrastructure;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.Web;

/// <summary>The pages over plain HTTP: what each role sees, the query-string filters and sorting, refusals, downloads.</summary>
public partial class PageTests(WebFixture service) : IClassFixture<WebFixture>
{
    private const string TongChuangHui = "“通创荟”和科技招商经费专项";

    [Fact]
    public async Task Dashboard_YearEndCounts_MatchTheHandComputedGrades()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync("/?year=2026&period=year-end");

        // Core's golden tests: 90.15, 81.81, 83.44, 81.25, 89.88 and 98.96 by hand; the other six score 100.
        var counts = page.QuerySelectorAll("a.stat-level").ToDictionary(a => a.GetAttribute("data-level")!, a => a.QuerySelector(".stat-value")!.TextContent);
        Assert.Equal(new Dictionary<string, string> { ["优"] = "8", ["良"] = "4", ["中"] = "0", ["差"] = "0", ["none"] = "0" }, counts);
    }

    [Fact]
    public async Task Dashboard_SortByScoreDescending_EndsWithTheLowestTotals()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync("/?year=2026&period=year-end&sort=score&dir=desc");

        var names = page.Texts("#projects tbody td.col-name");
        var scores = page.Texts("#projects tbody td.score");
        Assert.Equal(["科技创新双月例会专项", "物业管理费", "科研机构建设专项"], names[^3..]);
        Assert.Equal(["83.44", "81.81", "81.25"], scores[^3..]);
        Assert.Equal("descending", page.QuerySelector("th[aria-sort=descending]") is { } th ? th.GetAttribute("aria-sort") : null);
    }

    [Fact]
    public async Task Dashboard_LevelFilter_ListsOnlyThatGradeButCountsEveryGrade()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync("/?year=2026&period=year-end&level=%E8%89%AF");

        Assert.Equal(["物业管理费", "科技创新双月例会专项", "科研机构建设专项", "网络设备设施运行与维护费"], page.Texts("#projects tbody td.col-name"));
        Assert.Equal("12", page.QuerySelector(".stat-total .stat-value")!.TextContent);
    }

    [Fact]
    public async Task Dashboard_SearchForOneProject_ChartsItsLostPointsByCategory()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync("/?year=2026&period=year-end&q=" + Uri.EscapeDataString("通创荟"));

        // Core's golden test: 预算执行率 10 − 9.6296 = 0.37; 产出 18.75 − 17.7083 = 1.04; 效益 33.75 − 25.3125 = 8.44.
        var rows = page.QuerySelectorAll("#losses tbody tr").Select(r => r.Children.Select(c => c.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal(["预算执行率", "10.00", "9.63", "0.37", "3.7%", "0.37"], rows[0]);
        Assert.Equal(["产出指标", "56.25", "55.21", "1.04", "1.85%", "1.04"], rows[1]);
        Assert.Equal(["效益指标", "33.75", "25.31", "8.44", "25.0%", "8.44"], rows[2]);
        Assert.Equal(2, page.QuerySelectorAll("svg.chart").Length);
        Assert.Empty(page.QuerySelectorAll("script"));
    }

    [Fact]
    public async Task Dashboard_ScoreDistribution_IsAnSvgWithEveryBandCounted()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync("/?year=2026&period=year-end");

        var chart = page.QuerySelectorAll("svg.chart")[0];
        Assert.Equal("得分分布", chart.GetAttribute("aria-label"));
        Assert.Equal("60分以下 0个，60–70分 0个，70–80分 0个，80–90分 4个，90分及以上 8个", chart.QuerySelector("desc")!.TextContent);
    }

    [Fact]
    public async Task Dashboard_MidYear_CountsProjectsPerWarning()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync("/?year=2026&period=mid-year");

        var counts = page.QuerySelectorAll("a.stat-level").ToDictionary(a => a.GetAttribute("data-level")!, a => a.QuerySelector(".stat-value")!.TextContent);
        Assert.Equal(new Dictionary<string, string> { ["green"] = "0", ["yellow"] = "3", ["red"] = "9", ["none"] = "0" }, counts);
    }

    [Fact]
    public async Task Dashboard_YearWithoutARun_SaysSoAndStillListsTheProjects()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync("/?year=2027&period=year-end");

        Assert.Equal("2027年度绩效自评（全年）尚无已完成的评价。财政局发起评价并完成后，各项目的得分与评价等级将显示在这里。", page.QuerySelector("#no-run")!.TextContent);
        Assert.Equal(12, page.QuerySelectorAll("#projects tbody tr").Length);
        Assert.All(page.Texts("#projects tbody td.muted"), t => Assert.Equal("未评价", t));
        Assert.Empty(page.QuerySelectorAll("svg.chart"));
    }

    [Fact]
    public async Task Dashboard_Auditor_SeesEveryDepartmentAndTheJobDashboardLink()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.AuditorKey);

        var (_, page) = await client.GetAsync("/?year=2026");

        Assert.Equal(12, page.QuerySelectorAll("#projects tbody tr").Length);
        Assert.Equal(["南通市科学技术局", "南通市财政局"], page.Texts("#departments tbody td:first-child"));
        Assert.NotNull(page.QuerySelector(".mainnav a[href='/hangfire']"));
        Assert.Equal("审计（只读）", page.QuerySelector(".role-badge")!.TextContent);
    }

    [Fact]
    public async Task Dashboard_DepartmentParameter_CannotWidenADepartmentsView()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.OtherDepartmentKey);

        var (_, page) = await client.GetAsync("/?year=2026&dept=" + Uri.EscapeDataString(ServiceFixture.Department));

        Assert.Equal(["产学研合作交流专项", "科技创新体系建设专项", "高新技术发展专项"], page.Texts("#projects tbody td.col-name"));
        Assert.Null(page.QuerySelector(".mainnav a[href='/hangfire']"));
    }

    [Fact]
    public async Task ProjectPage_OwnDepartment_ShowsTheReviewFindingsOfItsCurrentRules()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);

        var (response, page) = await client.GetAsync(service.ProjectPath(TongChuangHui, "year-end"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The seed's 科创大赛 target "≥0个" at mid-year cannot fail (warning); 效益 is qualitative; no 满意度 indicator (hint).
        Assert.Equal(["警告", "提示", "提示"], page.Texts("#review tbody .sev"));
        Assert.Contains("“≥0个”是 0 的正向目标", page.QuerySelector("#review tbody tr")!.TextContent);
        Assert.Equal("第 1 版", page.Texts("#versions tbody td")[0]);
    }

    [Fact]
    public async Task ProjectPage_UnknownProject_Is404InChinese()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (response, page) = await client.GetAsync("/projects/999999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("没有编号为 999999 的项目。", page.QuerySelector(".refusal p:not(.refusal-code)")!.TextContent);
    }

    [Fact]
    public async Task RulesDownload_OwnProject_IsTheStoredRulesFile()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);
        var id = service.Projects[TongChuangHui];

        var response = await client.Http.GetAsync($"/projects/{id.ToString(CultureInfo.InvariantCulture)}/rules?version=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var stored = await Database.ScalarAsync<string>(service.ConnectionString, "SELECT rules_text FROM rule_sets WHERE project_id = @id AND version = 1", new { id });
        Assert.Equal(stored, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RulesDownload_OtherDepartment_Is403AndAudited()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.OtherDepartmentKey);
        var path = $"/projects/{service.Projects[TongChuangHui].ToString(CultureInfo.InvariantCulture)}/rules";

        var response = await client.Http.GetAsync(path + "?version=1");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("\"workflows\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'request.refused' AND outcome = 'forbidden' AND subject = @subject", new { subject = "GET " + path }));
    }

    [Fact]
    public async Task Dashboard_WithoutSession_RedirectsToSignIn()
    {
        using var client = new PageClient(service.BaseAddress);

        var (response, _) = await client.GetAsync("/?year=2026");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin?ReturnUrl=%2F%3Fyear%3D2026", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task SignIn_ReturnUrlOnThisSite_IsWhereTheUserLands()
    {
        using var client = new PageClient(service.BaseAddress);

        var response = await client.PostFormAsync("/signin?ReturnUrl=%2F%3Fyear%3D2027", new() { ["Key"] = service.FinanceKey, ["ReturnUrl"] = "/?year=2027" });

        Assert.Equal("/?year=2027", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_ReturnUrlOnAnotherSite_IsIgnored()
    {
        using var client = new PageClient(service.BaseAddress);

        var response = await client.PostFormAsync("/signin", new() { ["Key"] = service.FinanceKey, ["ReturnUrl"] = "https://example.org/" });

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_Is400AndStartsNoSession()
    {
        using var client = new PageClient(service.BaseAddress);

        var response = await client.PostFormAsync("/signin", new() { ["Key"] = service.FinanceKey }, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("表单已过期或内容无效，请返回上一页刷新后重试。", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "budgeteval.session");
    }

    [Fact]
    public async Task UnknownPage_Is404PageInChinese_WhileTheApiKeepsProblemDetails()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        using var apiClient = service.Client(service.FinanceKey);

        var (page, document) = await client.GetAsync("/no-such-page");
        var api = await apiClient.GetAsync("/api/no-such-endpoint");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("没有这个地址：/no-such-page", document.QuerySelector(".refusal p:not(.refusal-code)")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SignIn_SessionCookie_IsHttpOnlyAndSameSiteStrict()
    {
        using var client = new PageClient(service.BaseAddress);

        var response = await client.PostFormAsync("/signin", new() { ["Key"] = service.FinanceKey });

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("budgeteval.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(service.FinanceKey, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongKey_IsAudited()
    {
        using var client = new PageClient(service.BaseAddress);
        var before = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM audit_log WHERE action = 'web.signin' AND outcome = 'unauthenticated'");

        await client.PostFormAsync("/signin", new() { ["Key"] = "bek_wrong" });

        Assert.Equal(before + 1, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM audit_log WHERE action = 'web.signin' AND outcome = 'unauthenticated'"));
    }

    [Fact]
    public async Task Api_WithOnlyASessionCookie_Is401()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var response = await client.Http.GetAsync("/api/projects?year=2026");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task JobDashboard_FinanceSession_Opens()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var response = await client.Http.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task JobDashboard_FinanceSessionCommandWithoutToken_IsRefused()
    {
        var jobs = service.App.Services.GetRequiredService<IBackgroundJobClient>();
        var jobId = jobs.Schedule<ProbeJob>(j => j.Run("web-never"), TimeSpan.FromDays(1));
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        // What a forged form on another site would send, had the browser attached the cookie.
        var response = await client.Http.PostAsync("/hangfire/jobs/scheduled/delete", new FormUrlEncodedContent([new("jobs[]", jobId)]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var connection = service.App.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Equal("Scheduled", connection.GetStateData(jobId)?.Name);
    }

    [Fact]
    public async Task JobDashboard_DepartmentSession_IsRefusedAndAudited()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);

        var response = await client.Http.GetAsync("/hangfire/jobs/succeeded");
        var (refusal, page) = await client.GetAsync(response.Headers.Location!.PathAndQuery);

        Assert.Equal("/forbidden", response.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, refusal.StatusCode);
        Assert.Equal("您的角色“主管部门”无权打开该页面。", page.QuerySelector(".refusal p:not(.refusal-code)")!.TextContent);
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'request.refused' AND subject = 'GET /hangfire/jobs/succeeded' AND department = @department",
            new { department = ServiceFixture.Department }));
    }

    [Fact]
    public async Task Session_KeyRevoked_EndsAtTheNextRequest()
    {
        var keys = service.App.Services.GetRequiredService<ApiKeyStore>();
        var (record, key) = await keys.CreateAsync(Roles.Finance, null, "revoked-later", Actor.System);
        using var client = await PageClient.SignInAsync(service.BaseAddress, key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/?year=2026")).Response.StatusCode);

        await keys.RevokeAsync(record.Id, Actor.System);
        var (response, _) = await client.GetAsync("/?year=2026");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/?year=2026")]
    [InlineData("/projects/{project}?period=mid-year")]
    public async Task Pages_SendSecurityHeadersAndLoadNothingFromElsewhere(string path)
    {
        // Signed in, the sign-in page redirects to the dashboard: it is read without a session.
        using var client = path == "/signin" ? new PageClient(service.BaseAddress) : await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (response, page) = await client.GetAsync(path.Replace("{project}", service.Projects[TongChuangHui].ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var resources = page.QuerySelectorAll("link[href], script[src], img[src]").Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!).ToList();
        Assert.NotEmpty(resources);
        Assert.All(resources, r => Assert.StartsWith("/assets/", r, StringComparison.Ordinal));
        Assert.Empty(page.QuerySelectorAll("style, script"));
    }

    [Fact]
    public async Task Assets_Stylesheet_IsServedByTheServiceWithALongCache()
    {
        using var client = new PageClient(service.BaseAddress);
        var (_, page) = await client.GetAsync("/signin");
        var href = page.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;

        var response = await client.Http.GetAsync(href);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.DoesNotContain("http", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
