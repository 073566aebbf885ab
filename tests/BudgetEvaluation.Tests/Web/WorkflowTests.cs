using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Tests.Infrastructure;
using ClosedXML.Excel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BudgetEvaluation.Tests.Web;

/// <summary>
/// The work the pages are for, in headless Chromium, on a fixture of its own (these tests change data): a department
/// downloads its template, uploads it filled (first with an error), writes a 偏差原因 and sees its scores after a run;
/// finance starts a run and follows it to the dashboard.
/// </summary>
public partial class WorkflowTests(WebFixture service) : IClassFixture<WebFixture>
{
    private const string TongChuangHui = "“通创荟”和科技招商经费专项";

    /// <summary>南通市科学技术局's nine projects of the split seed, in the order the template lists them (import order).</summary>
    private static readonly string[] OwnProjects =
    [
        "“通创荟”和科技招商经费专项", "物业管理费", "网络设备设施运行与维护费", "水电费补差", "科创办推进专项", "办公设备购置",
        "科技创新双月例会专项", "科研机构建设专项", "引进国外智力专项",
    ];

    [Fact]
    public async Task Department_TemplateUploadWithErrorThenGoodReasonAndRun_ShowsScoresAndTheReason()
    {
        const int year = WebFixture.WorkflowYear;
        var page = await SignInAsync(service.DepartmentKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "填报实际完成值" }).ClickAsync();
        await page.GotoAsync($"/actuals?year={year}&period=year-end");
        await Browser.ScreenshotAsync(page, "actuals-department");

        // The template: the department's own nine projects, nothing of the other department.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#template-xlsx").ClickAsync());
        Assert.Equal($"绩效自评实际完成值填报模板_{year}_南通市科学技术局.xlsx", download.SuggestedFilename);
        var template = Path.Combine(Browser.ScreenshotFolder, "template-department.xlsx");
        await download.SaveAsAsync(template);
        var (rows, errors) = ActualsFile.Read(template);
        Assert.Empty(errors);
        Assert.All(rows, r => Assert.Equal("南通市科学技术局", r.Department));
        Assert.Equal(OwnProjects, rows.Select(r => r.Project).Distinct());
        Assert.Equal("招引科创项目数", rows.Single(r => r.Line == 14).Indicator);

        // Filled from the year-end fixture, with one error: row 14's 招引科创项目数 written as words.
        var withError = Fill(template, "科技局实际完成值（有错误）.xlsx", badRow: 14);
        await page.SetInputFilesAsync("#file", withError);
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并校验" }).ClickAsync();

        await Expect(page.Locator("#upload-rejected")).ToContainTextAsync("有 1 处错误，未保存任何数据");
        var errorRow = page.Locator("#upload-errors tbody tr");
        await Expect(errorRow).ToHaveCountAsync(1);
        await Expect(errorRow.Locator(".error-line")).ToHaveTextAsync("第 14 行");
        await Expect(errorRow.Locator(".error-field")).ToHaveTextAsync("实际完成值");
        await Expect(errorRow.Locator(".error-message")).ToContainTextAsync("项目““通创荟”和科技招商经费专项”指标“招引科创项目数”");
        await Browser.ScreenshotAsync(page, "actuals-upload-error");

        var good = Fill(template, "科技局实际完成值.xlsx", badRow: null);
        await page.SetInputFilesAsync("#file", good);
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并校验" }).ClickAsync();

        await Expect(page.Locator("#upload-accepted")).ToContainTextAsync("已接收：文件“科技局实际完成值.xlsx”");
        await Expect(page.Locator("#coverage tbody tr")).ToHaveCountAsync(9);
        // 预算执行率 comes from the spending row: every indicator of 通创荟 counts as reported.
        await Expect(page.Locator($"#coverage tbody tr[data-project='{service.ProjectIds[(year, TongChuangHui)]}'] td").Nth(4)).ToHaveTextAsync("0");
        await Browser.ScreenshotAsync(page, "actuals-upload-accepted");

        // Finance scores the year; the department sees its scores.
        using var finance = service.Client(service.FinanceKey);
        await Runs.StartAndWaitAsync(service, finance, year, "year-end");
        await page.GotoAsync($"/?year={year}&period=year-end");
        await Expect(page.Locator("#projects tbody tr")).ToHaveCountAsync(9);
        // As in Core's golden test: 90.15 for 通创荟.
        await Expect(page.Locator("#projects tbody tr").Filter(new() { HasText = TongChuangHui }).Locator("td.score")).ToHaveTextAsync("90.15");

        // 招引科创项目数 (1700 of ≥1800) is 部分达成: write its reason.
        await page.GetByRole(AriaRole.Link, new() { Name = "偏差原因分析" }).ClickAsync();
        await page.GotoAsync($"/reasons?year={year}&period=year-end");
        var line = page.Locator("#reasons tbody tr").Filter(new() { HasText = "招引科创项目数" }).Filter(new() { HasText = TongChuangHui });
        await Expect(line.Locator(".result")).ToHaveTextAsync("部分达成");
        const string Reason = "受宏观环境影响，部分项目签约推迟至次年；下半年加强项目跟踪服务。";
        await line.Locator("textarea").FillAsync(Reason);
        await Browser.ScreenshotAsync(page, "reasons-department");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存偏差原因" }).ClickAsync();
        await Expect(page.Locator("#reasons-saved")).ToContainTextAsync("涉及 1 个项目");
        await Expect(page.Locator("#reasons tbody tr").Filter(new() { HasText = "招引科创项目数" }).Filter(new() { HasText = TongChuangHui }).Locator("textarea")).ToHaveValueAsync(Reason);

        // The project page shows it at once, as the current 偏差原因 of a web version; the next run puts it in the official table.
        await page.GotoAsync(service.ProjectPath(TongChuangHui, "year-end", year));
        await Expect(page.Locator("#reasons tbody")).ToContainTextAsync(Reason);
        await Expect(page.Locator("#uploads tbody tr").First).ToContainTextAsync("网页填写");
        await Runs.StartAndWaitAsync(service, finance, year, "year-end");
        await page.ReloadAsync();
        await Expect(page.Locator(".be-report")).ToContainTextAsync(Reason);
        await Expect(page.Locator("#projects")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "project-with-reason");
    }

    [Fact]
    public async Task Finance_StartsARunAndWatchesItFinish_ThenSeesTheDashboard()
    {
        var page = await SignInAsync(service.FinanceKey);

        await page.GetByRole(AriaRole.Link, new() { Name = "评价批次" }).ClickAsync();
        await page.Locator("#start-run").ClickAsync();
        await page.SelectOptionAsync("#year", WebFixture.RunYear.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.CheckAsync("input[name=period][value=year-end]");
        await Browser.ScreenshotAsync(page, "run-new");
        await page.GetByRole(AriaRole.Button, new() { Name = "开始评价" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/runs/[0-9]+$"));
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("已完成", new() { Timeout = 60_000 });
        await Expect(page.Locator("#run-count")).ToHaveTextAsync("已评分 12 / 12 个项目");
        await Expect(page.Locator("#to-jobs")).ToHaveAttributeAsync("href", "/hangfire");
        await Expect(page.Locator("#to-job")).ToHaveAttributeAsync("href", new Regex("^/hangfire/jobs/details/[0-9]+$"));
        await Browser.ScreenshotAsync(page, "run-finished");
        await page.Locator("#to-dashboard").ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync($"{WebFixture.RunYear}年度项目支出绩效自评");
        await Expect(page.Locator("#projects tbody tr")).ToHaveCountAsync(12);
        await Expect(page.Locator("#projects tbody tr").Filter(new() { HasText = TongChuangHui }).Locator("td.score")).ToHaveTextAsync("90.15");
    }

    [Fact]
    public async Task RunPage_WithoutJavaScript_RefreshesItselfUntilTheRunHasFinished()
    {
        var page = await SignInAsync(service.FinanceKey, javaScript: false);

        await page.GotoAsync("/runs/new");
        await page.SelectOptionAsync("#year", WebFixture.YearWithoutRuns.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.CheckAsync("input[name=period][value=mid-year]");
        await page.GetByRole(AriaRole.Button, new() { Name = "开始评价" }).ClickAsync();

        await Expect(page.Locator("#run-status")).ToHaveTextAsync("已完成", new() { Timeout = 60_000 });
        await Expect(page.Locator("#run-done")).ToContainTextAsync("12 个项目没有实际完成值");
        Assert.Equal(0, await page.Locator("meta[http-equiv=refresh]").CountAsync());
    }

    [Fact]
    public async Task RunPage_Script_FollowsTheRunFromQueuedToFinished()
    {
        // A run moved on by hand (no job enqueued), so the page's every state is seen whatever the machine's speed.
        var store = service.App.Services.GetRequiredService<EvaluationStore>();
        var runId = await store.CreateRunAsync(WebFixture.YearWithoutRuns, Period.YearEnd, new DateOnly(2027, 12, 31), "default", Actor.System);
        var page = await SignInAsync(service.FinanceKey);

        await page.GotoAsync($"/runs/{runId}");
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("排队中");
        await store.MarkRunningAsync(runId);
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("评分中");
        await Expect(page.Locator("#to-dashboard")).ToHaveCountAsync(0);
        await store.MarkFinishedAsync(runId, null);

        await Expect(page.Locator("#run-status")).ToHaveTextAsync("已完成");
        await Expect(page.Locator("#to-dashboard")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Reasons_Saved_AreANewWebUploadOfTheProjectsCurrentRowsWithTheReason()
    {
        var projectId = service.ProjectIds[(WebFixture.Year, "物业管理费")];
        const string path = "产出指标/时效指标/物业服务完成及时性";
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);
        var (_, form) = await client.GetAsync("/reasons?year=2026&period=year-end");
        var index = form.QuerySelectorAll("input[name$='.Path']").Select(i => i.GetAttribute("value")).ToList().IndexOf(path);
        Assert.True(index >= 0);
        var before = await Database.QueryAsync<(string Path, string Value)>(service.ConnectionString,
            "SELECT indicator_path, raw_value FROM actual_rows WHERE project_id = @projectId ORDER BY indicator_path", new { projectId });

        // What the browser posts: every field of the form as shown, one reason written.
        var fields = form.QuerySelectorAll(".reasons-form input[name], .reasons-form textarea[name]")
            .ToDictionary(e => e.GetAttribute("name")!, e => e.GetAttribute("value") ?? e.TextContent);
        fields[$"Notes[{index}].Deviation"] = "物业公司人员变动，已更换服务团队。";
        var response = await client.PostFormAsync("/reasons?year=2026&period=year-end", fields);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var upload = await Database.QueryAsync<(long Id, string Source, string FileName)>(service.ConnectionString,
            "SELECT id, source, file_name FROM actuals_uploads ORDER BY id DESC LIMIT 1");
        Assert.Equal(("web", "网页填写偏差原因_2026_year-end.json"), (upload[0].Source, upload[0].FileName));
        var after = await Database.QueryAsync<(string Path, string Value, string? Reason)>(service.ConnectionString,
            "SELECT indicator_path, raw_value, deviation_reason FROM actual_rows WHERE upload_id = @id ORDER BY indicator_path", new { id = upload[0].Id });
        // Only the project written for, with every current row (blank ones too) and the reason on its indicator.
        Assert.Equal(15, after.Count);
        Assert.Equal(before.Select(r => r.Path).Distinct().Count(), after.Count);
        Assert.Equal("物业公司人员变动，已更换服务团队。", after.Single(r => r.Path == path).Reason);
        Assert.Equal("未达成", after.Single(r => r.Path == path).Value);
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(DISTINCT project_id) FROM actual_rows WHERE upload_id = @id", new { id = upload[0].Id }));
    }

    /// <summary>
    /// The downloaded template with 实际完成值 filled from the year-end fixture (matched by project and 三级指标), as a
    /// department would type them; <paramref name="badRow"/>'s value becomes words instead.
    /// </summary>
    private static string Fill(string template, string name, int? badRow)
    {
        var (fixtureRows, _) = ActualsFile.Read(ActualsFiles.Fixture("actuals-year-end.csv"));
        var values = fixtureRows.ToDictionary(r => (ActualsSet.NameKey(r.Project), r.Indicator), r => r.Value);
        using var workbook = new XLWorkbook(template);
        var sheet = workbook.Worksheet(1);
        var header = sheet.Row(1).CellsUsed().ToDictionary(c => c.GetString(), c => c.Address.ColumnNumber);
        foreach (var row in sheet.RowsUsed().Skip(1))
        {
            var key = (ActualsSet.NameKey(row.Cell(header["项目名称"]).GetString()), row.Cell(header["三级指标"]).GetString());
            if (values.TryGetValue(key, out var value))
                row.Cell(header["实际完成值"]).SetValue(row.RowNumber() == badRow ? "很多" : value);
        }
        var path = Path.Combine(Browser.ScreenshotFolder, name);
        workbook.SaveAs(path);
        return path;
    }

    private Task<IPage> SignInAsync(string key, bool javaScript = true) => Browser.SignedInPageAsync(service.BaseAddress, key, javaScript);
}
