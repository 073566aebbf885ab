using System.Net;
using System.Text.Json.Nodes;
using BudgetEvaluation.Jobs;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.RunJobs;

public partial class RunTests
{
    /// <summary>2052: every project's year-end rows but 科创办推进专项's, and 通创荟 without 招引科创项目数.</summary>
    private async Task ImportPartialYearEndAsync()
    {
        if (await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM projects WHERE year = 2052") > 0)
            return;
        await service.ImportAsync(2052, yearEnd: false);
        var projects = await Database.QueryAsync<string>(service.ConnectionString, "SELECT name FROM projects WHERE year = 2052 AND name <> '科创办推进专项'");
        var csv = string.Join('\n', RunsFixture.YearEndRowsOf([.. projects]).Split('\n')
            .Where(l => !l.StartsWith(TongChuangHui + ",产出指标,数量指标,招引科创项目数,", StringComparison.Ordinal)));
        using var client = service.Client(service.FinanceKey);
        await ActualsFiles.UploadAsync(client, 2052, "year-end", ActualsFiles.Form(csv, "partial.csv"));
    }

    private static List<(string Department, string Project, bool NoActuals, int Missing, string? First)> Listed(JsonNode report) =>
        report["departments"]!.AsArray()
            .SelectMany(d => d!["missingActuals"]!.AsArray().Select(m => ((string)d["department"]!, (string)m!["project"]!, (bool)m["noActuals"]!,
                m["indicators"]!.AsArray().Count, (string?)m["indicators"]!.AsArray().FirstOrDefault())))
            .ToList();

    [Fact]
    public async Task Reminders_Finance_ListsEveryDepartmentsProjectsWithMissingActualsAndTheDeadline()
    {
        await ImportPartialYearEndAsync();
        using var client = service.Client(service.FinanceKey);

        var response = await client.GetAsync("/api/reminders?year=2052&period=year-end");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await Json.ReadAsync(response);
        Assert.Equal(("2053-01-15", 12, 3), ((string?)report["deadline"], (int)report["projects"]!, (int)report["withMissingActuals"]!));
        Assert.Equal(
            [
                (Science, TongChuangHui, false, 1, "产出指标/数量指标/招引科创项目数"),
                (Finance, "科创办推进专项", true, 15, "决策/项目立项/立项依据充分性"),
                (Finance, "科研机构建设专项", false, 1, "产出指标/质量指标/省市项目立项数"),
            ],
            Listed(report));
    }

    [Theory]
    [InlineData("department", Science, 1)]
    [InlineData("other", Finance, 2)]
    public async Task Reminders_DepartmentKey_SeesOnlyItsOwnProjects(string key, string department, int projects)
    {
        await ImportPartialYearEndAsync();
        using var client = service.Client(key == "department" ? service.DepartmentKey : service.OtherDepartmentKey);

        var report = await Json.ReadAsync(await client.GetAsync("/api/reminders?year=2052&period=year-end"));

        Assert.Equal(4, (int)report["projects"]!);
        Assert.All(Listed(report), l => Assert.Equal(department, l.Department));
        Assert.Equal(projects, Listed(report).Count);
    }

    [Fact]
    public async Task Reminders_MidYearWithNothingUploaded_ListsEveryProjectAsWithoutActualsBeforeTheMidYearDeadline()
    {
        await ImportPartialYearEndAsync();
        using var client = service.Client(service.AuditorKey);

        var report = await Json.ReadAsync(await client.GetAsync("/api/reminders?year=2052&period=mid-year"));

        Assert.Equal(("2052-07-05", 12), ((string?)report["deadline"], (int)report["withMissingActuals"]!));
        Assert.All(Listed(report), l => Assert.True(l.NoActuals));
    }

    [Fact]
    public async Task ReminderJob_FiringInJanuaryAfterTheYear_LogsEachDepartmentsMissingActualsWithTheDeadline()
    {
        await ImportPartialYearEndAsync();
        await service.App.Services.GetRequiredService<ScheduleRegistration>().SyncAsync();
        service.Clock.Now = new DateTimeOffset(2053, 1, 12, 9, 0, 0, Shanghai);

        await FireAsync("reminders-year-end-2052");

        var lines = service.Logs.Lines.Where(l => l.EventId == 1441 && l.Message.StartsWith("Reminder 2052 year-end:", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        Assert.Equal(
            [
                "Reminder 2052 year-end: 南通市科学技术局 has 1 projects with missing actuals (deadline 2053-01-15): “通创荟”和科技招商经费专项: 产出指标/数量指标/招引科创项目数",
                "Reminder 2052 year-end: 南通市财政局 has 2 projects with missing actuals (deadline 2053-01-15): 科创办推进专项: no actuals; 科研机构建设专项: 产出指标/质量指标/省市项目立项数",
            ],
            lines);
    }
}
