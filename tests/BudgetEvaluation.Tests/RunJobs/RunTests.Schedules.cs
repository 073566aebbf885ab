using System.Net;
using BudgetEvaluation.Jobs;
using BudgetEvaluation.Tests.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.RunJobs;

public partial class RunTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    [Fact]
    public async Task Schedules_OpenYear_GetsItsRunsAndRemindersInShanghaiTime_ClosingTheYearRemovesThem()
    {
        await service.ImportAsync(2047, yearEnd: false);

        await service.App.Services.GetRequiredService<ScheduleRegistration>().SyncAsync();

        var jobs = RecurringJobs(2047);
        Assert.Equal(
            [
                ("mid-year-2047", "0 2 10 7 *", "Asia/Shanghai"),
                ("reminders-mid-year-2047", "0 9 1-9 7 *", "Asia/Shanghai"),
                ("reminders-year-end-2047", "0 9 10-19 1 *", "Asia/Shanghai"),
                ("year-end-2047", "0 2 20 1 *", "Asia/Shanghai"),
            ],
            jobs);
        using var department = service.Client(service.DepartmentKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await department.PutAsync("/api/years/2047?open=false", null)).StatusCode);
        using var finance = service.Client(service.FinanceKey);
        var closed = await finance.PutAsync("/api/years/2047?open=false", null);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.DoesNotContain(2047, (await Json.ReadAsync(closed))["years"]!.AsArray().Select(y => (int)y!));
        Assert.Empty(RecurringJobs(2047));
        Assert.False(await Database.ScalarAsync<bool>(service.ConnectionString, "SELECT is_open FROM fiscal_years WHERE year = 2047"));
    }

    [Fact]
    public async Task ScheduledMidYear_FiringOnTenthJulyOfItsYear_ScoresAsOfThirtiethJune()
    {
        await service.ImportAsync(2048, yearEnd: false, midYear: true);
        await service.App.Services.GetRequiredService<ScheduleRegistration>().SyncAsync();
        service.Clock.Now = new DateTimeOffset(2048, 7, 10, 2, 0, 0, Shanghai);

        await FireAsync("mid-year-2048");

        var run = await Database.QueryAsync<(long Id, string Period, DateTime AsOf, string RequestedBy)>(service.ConnectionString,
            "SELECT id, period, as_of, requested_by FROM evaluation_runs WHERE trigger = 'mid-year-2048'");
        var (id, period, asOf, requestedBy) = Assert.Single(run);
        Assert.Equal(("mid-year", new DateTime(2048, 6, 30), "system"), (period, asOf, requestedBy));
        using var client = service.Client(service.FinanceKey);
        Assert.Equal("succeeded", (string?)(await Infrastructure.Runs.WaitAsync(client, id))["status"]);
        var e = (await ResultsAsync(id)).Single(x => (string?)x!["project"] == TongChuangHui)!;
        Assert.Equal(("yellow", "2048-06-30"), ((string?)e["warning"], (string?)e["asOf"]));
    }

    [Fact]
    public async Task ScheduledYearEnd_FiringOnTwentiethJanuaryOfTheNextYear_ScoresAsOfThirtyFirstDecember()
    {
        await service.ImportAsync(2049);
        await service.App.Services.GetRequiredService<ScheduleRegistration>().SyncAsync();
        service.Clock.Now = new DateTimeOffset(2050, 1, 20, 2, 0, 0, Shanghai);

        await FireAsync("year-end-2049");

        var id = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT id FROM evaluation_runs WHERE trigger = 'year-end-2049'");
        using var client = service.Client(service.FinanceKey);
        var view = await Infrastructure.Runs.WaitAsync(client, id);
        Assert.Equal(("succeeded", "year-end", "2049-12-31", "year-end-2049"),
            ((string?)view["status"], (string?)view["period"], (string?)view["asOf"], (string?)view["trigger"]));
        var e = (await ResultsAsync(id)).Single(x => (string?)x!["project"] == TongChuangHui)!;
        Assert.Equal(90.15046296296296, (double)e["totalScore"]!, Tolerance);
    }

    [Theory]
    [InlineData("mid-year-2050", 2051, 7, 10)]
    [InlineData("year-end-2050", 2050, 1, 20)]
    [InlineData("year-end-2050", 2052, 1, 20)]
    public async Task Scheduled_FiringInAnotherCalendarYear_StartsNoRun(string id, int year, int month, int day)
    {
        if (await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM projects WHERE year = 2050") == 0)
            await service.ImportAsync(2050, midYear: true);
        await service.App.Services.GetRequiredService<ScheduleRegistration>().SyncAsync();
        service.Clock.Now = new DateTimeOffset(year, month, day, 2, 0, 0, Shanghai);

        await FireAsync(id);

        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs WHERE year = 2050"));
    }

    private List<(string Id, string Cron, string TimeZone)> RecurringJobs(int year)
    {
        using var connection = service.App.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetRecurringJobs()
            .Where(j => j.Id.EndsWith("-" + Year(year), StringComparison.Ordinal))
            .Select(j => (j.Id, j.Cron, j.TimeZoneId))
            .OrderBy(j => j.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Fires a recurring job now (as the dashboard's "trigger" does) and waits until its job succeeded.</summary>
    private async Task FireAsync(string recurringId)
    {
        var manager = (IRecurringJobManagerV2)service.App.Services.GetRequiredService<IRecurringJobManager>();
        var jobId = manager.TriggerJob(recurringId);
        Assert.NotNull(jobId);
        using var connection = service.App.Services.GetRequiredService<JobStorage>().GetConnection();
        for (var i = 0; i < 300 && connection.GetStateData(jobId)?.Name is not ("Succeeded" or "Failed"); i++)
            await Task.Delay(100);
        Assert.Equal("Succeeded", connection.GetStateData(jobId)?.Name);
    }
}
