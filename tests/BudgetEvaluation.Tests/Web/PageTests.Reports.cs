using System.Globalization;
using System.Net;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.Web;

/// <summary>Report downloads for the session (the code of GET /api/reports).</summary>
public partial class PageTests
{
    [Fact]
    public async Task Report_Department_DownloadsTheOfficialTablesOfItsOwnProjectsOnly()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.OtherDepartmentKey);
        var run = service.YearEndRun.ToString(CultureInfo.InvariantCulture);

        var response = await client.Http.GetAsync($"/reports?year=2026&period=year-end&run={run}&format=html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"项目支出绩效自评表_2026_运行{run}.html", response.Content.Headers.ContentDisposition?.FileNameStar);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("科技创新体系建设专项", html, StringComparison.Ordinal);
        Assert.DoesNotContain("“通创荟”和科技招商经费专项", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_AnotherDepartmentsProject_Is403()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.OtherDepartmentKey);

        var (response, page) = await client.GetAsync($"/reports?year=2026&period=year-end&format=xlsx&project={service.Projects["物业管理费"].ToString(CultureInfo.InvariantCulture)}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("无法取得报告", page.QuerySelector(".refusal h1")!.TextContent);
    }

    [Fact]
    public async Task Report_ProjectPage_LinksTheProjectsTableOfTheRunShown()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);
        var (_, page) = await client.GetAsync(service.ProjectPath("物业管理费", "year-end"));

        var response = await client.Http.GetAsync(page.QuerySelector("#report-xlsx")!.GetAttribute("href"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"项目支出绩效自评表_2026_运行{service.YearEndRun.ToString(CultureInfo.InvariantCulture)}.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar);
    }
}
