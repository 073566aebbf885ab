using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BudgetEvaluation.Tests.Web;

/// <summary>The pages in headless Chromium: sign-in, the dashboards by role, a project, refusals and sign-out; screenshots of each.</summary>
public class BrowserTests(WebFixture service) : IClassFixture<WebFixture>
{
    private const string TongChuangHui = "“通创荟”和科技招商经费专项";

    [Fact]
    public async Task SignIn_Finance_DashboardListsEveryProjectWithScoresAndGrades()
    {
        var page = await SignInAsync(service.FinanceKey);

        await Expect(page.Locator("h1")).ToHaveTextAsync("2026年度项目支出绩效自评");
        var rows = page.Locator("#projects tbody tr");
        await Expect(rows).ToHaveCountAsync(12);
        var tongChuangHui = rows.Filter(new() { HasText = TongChuangHui });
        // 90.15046296296296 by hand (Core's YearEndGoldenTests): shown to two decimals, grade 优.
        await Expect(tongChuangHui.Locator("td.score")).ToHaveTextAsync("90.15");
        await Expect(tongChuangHui.Locator(".grade-badge")).ToHaveTextAsync("优");
        await Expect(page.Locator("#departments tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("svg.chart")).ToHaveCountAsync(2);
        await Browser.ScreenshotAsync(page, "dashboard-finance-year-end");
    }

    [Fact]
    public async Task Dashboard_MidYear_ShowsWarningsInsteadOfGrades()
    {
        var page = await SignInAsync(service.FinanceKey);

        await page.GotoAsync("/?year=2026&period=mid-year");

        await Expect(page.Locator("h1")).ToHaveTextAsync("2026年度项目支出绩效运行监控");
        var tongChuangHui = page.Locator("#projects tbody tr").Filter(new() { HasText = TongChuangHui });
        // Mid-year golden: the worst of 资金到位率's yellow and the green rows.
        await Expect(tongChuangHui.Locator("td").Last).ToHaveTextAsync("▲ 黄");
        await Browser.ScreenshotAsync(page, "dashboard-finance-mid-year");
    }

    [Fact]
    public async Task SignIn_Department_SeesOnlyItsOwnProjects()
    {
        var page = await SignInAsync(service.OtherDepartmentKey);

        var names = await page.Locator("#projects tbody td.col-name").AllInnerTextsAsync();
        Assert.Equal(["产学研合作交流专项", "科技创新体系建设专项", "高新技术发展专项"], names);
        await Expect(page.Locator("select[name=dept]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#departments")).ToHaveCountAsync(0);
        await Expect(page.Locator(".session .dept")).ToHaveTextAsync("南通市财政局");
        await Browser.ScreenshotAsync(page, "dashboard-department");
    }

    [Fact]
    public async Task ProjectPage_OtherDepartment_Is403AndAudited()
    {
        var page = await SignInAsync(service.OtherDepartmentKey);
        var path = service.ProjectPath(TongChuangHui);

        var response = await page.GotoAsync(path);

        Assert.Equal(403, response!.Status);
        await Expect(page.Locator(".refusal h1")).ToHaveTextAsync("无权访问");
        await Expect(page.Locator(".refusal")).Not.ToContainTextAsync("招引科创项目数");
        var entries = await Database.QueryAsync<(string Department, string Outcome)>(service.ConnectionString,
            "SELECT department, outcome FROM audit_log WHERE action = 'request.refused' AND subject = @subject", new { subject = "GET " + path });
        Assert.Contains(("南通市财政局", "forbidden"), entries);
        await Browser.ScreenshotAsync(page, "project-forbidden");
    }

    [Fact]
    public async Task ProjectPage_Finance_ShowsOfficialTableExplanationsUploadsReviewAndVersions()
    {
        var page = await SignInAsync(service.FinanceKey);

        await page.GotoAsync(service.ProjectPath(TongChuangHui, "year-end"));

        await Expect(page.Locator(".be-report h1")).ToHaveTextAsync("项目支出绩效自评表");
        await Expect(page.Locator("#explanations")).ToContainTextAsync("招引科创项目数");
        await Expect(page.Locator("#uploads tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#uploads tbody")).ToContainTextAsync("actuals-year-end.csv");
        await Expect(page.Locator("#versions tbody tr")).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "project-year-end");

        await page.GotoAsync(service.ProjectPath(TongChuangHui, "mid-year"));
        await Expect(page.Locator(".be-report h1")).ToHaveTextAsync("项目支出绩效运行监控表");
        await Browser.ScreenshotAsync(page, "project-mid-year");
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var page = await SignInAsync(service.DepartmentKey);

        await page.GetByRole(AriaRole.Button, new() { Name = "退出登录" }).ClickAsync();

        await Expect(page.Locator(".alert-info")).ToHaveTextAsync("您已安全退出登录。");
        await page.GotoAsync("/");
        Assert.StartsWith("/signin", new Uri(page.Url).PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongKey_ShowsTheErrorInChinese()
    {
        var page = await Browser.NewPageAsync(service.BaseAddress);
        await page.GotoAsync("/signin");

        await page.FillAsync("#key", "bek_not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "登 录" }).ClickAsync();

        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("API 密钥无效或已被吊销，请核对后重新输入；如仍无法登录，请联系财政局系统管理员。");
        await Browser.ScreenshotAsync(page, "signin-error");
    }

    [Fact]
    public async Task Dashboard_WithoutJavaScript_FiltersBySelectAndSortsByHeader()
    {
        var page = await SignInAsync(service.FinanceKey, javaScript: false);

        await page.SelectOptionAsync("select[name=dept]", ServiceFixture.OtherDepartment);
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(page.Locator("#projects tbody tr")).ToHaveCountAsync(3);
        await page.Locator("#projects thead a", new() { HasText = "全年预算数" }).ClickAsync();
        await page.Locator("#projects thead a", new() { HasText = "全年预算数" }).ClickAsync();

        // 43.60 first, then the two projects of 27.00 in name order.
        Assert.Equal(["科技创新体系建设专项", "产学研合作交流专项", "高新技术发展专项"], await page.Locator("#projects tbody td.col-name").AllInnerTextsAsync());
        await Expect(page.Locator("svg.chart").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Dashboard_LevelTile_FiltersTheTableAndClickedAgainClears()
    {
        var page = await SignInAsync(service.FinanceKey);

        await page.Locator("a.stat-level[data-level='良']").ClickAsync();
        await Expect(page.Locator("#projects tbody tr")).ToHaveCountAsync(4);
        await page.Locator("a.stat-level[data-level='良']").ClickAsync();

        await Expect(page.Locator("#projects tbody tr")).ToHaveCountAsync(12);
    }

    [Fact]
    public async Task Dashboard_OfficeScreen_HasNoHorizontalScrolling()
    {
        var page = await SignInAsync(service.FinanceKey);

        foreach (var path in new[] { "/?year=2026&period=year-end", "/?year=2026&period=mid-year", service.ProjectPath(TongChuangHui, "mid-year") })
        {
            await page.GotoAsync(path);
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 1366"), path);
        }
    }

    [Fact]
    public async Task Print_ProjectPage_HidesTheNavigationAndKeepsTheOfficialTable()
    {
        var page = await SignInAsync(service.FinanceKey, javaScript: false);
        await page.GotoAsync(service.ProjectPath(TongChuangHui, "year-end"));

        await page.EmulateMediaAsync(new() { Media = Media.Print });

        await Expect(page.Locator(".topbar")).ToBeHiddenAsync();
        await Expect(page.Locator(".tabs")).ToBeHiddenAsync();
        await Expect(page.Locator(".be-report table.form").First).ToBeVisibleAsync();
        await page.PdfAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, "project-year-end.pdf"), PreferCSSPageSize = true, PrintBackground = true });
        await page.GotoAsync("/?year=2026&period=mid-year");
        await page.PdfAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, "dashboard-mid-year.pdf"), PreferCSSPageSize = true, PrintBackground = true });
    }

    [Fact]
    public async Task WorkPages_OfficeScreen_HaveNoHorizontalScrolling()
    {
        var page = await SignInAsync(service.FinanceKey);

        foreach (var path in new[] { "/actuals?year=2026&period=mid-year", "/reasons?year=2026&period=mid-year", "/runs", "/runs/new", $"/runs/{service.MidYearRun}" })
        {
            await page.GotoAsync(path);
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 1366"), path);
        }
        await Browser.ScreenshotAsync(page, "run-mid-year");
        await page.GotoAsync("/runs");
        await Browser.ScreenshotAsync(page, "runs");
    }

    [Fact]
    public async Task Print_ReasonsPage_KeepsTheTableAndDropsTheControls()
    {
        var page = await SignInAsync(service.DepartmentKey, javaScript: false);
        await page.GotoAsync("/reasons?year=2026&period=mid-year");
        await Browser.ScreenshotAsync(page, "reasons-mid-year");

        await page.EmulateMediaAsync(new() { Media = Media.Print });

        await Expect(page.Locator(".filters")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "保存偏差原因" })).ToBeHiddenAsync();
        await Expect(page.Locator("#reasons")).ToBeVisibleAsync();
        await page.PdfAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, "reasons-mid-year.pdf"), PreferCSSPageSize = true, PrintBackground = true });
    }

    private Task<IPage> SignInAsync(string key, bool javaScript = true) => Browser.SignedInPageAsync(service.BaseAddress, key, javaScript);
}
