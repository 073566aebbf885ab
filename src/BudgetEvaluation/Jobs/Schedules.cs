using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Hosting;
using BudgetEvaluation.Scoring;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;

namespace BudgetEvaluation.Jobs;

/// <summary>The ids of the recurring jobs of a fiscal year.</summary>
public static partial class RecurringIds
{
    /// <summary>The scheduled run of a year and period: <c>mid-year-2026</c>, <c>year-end-2026</c>.</summary>
    public static string Run(Period period, int year) => string.Create(CultureInfo.InvariantCulture, $"{period.Code()}-{year}");

    /// <summary>The reminders of a year and period: <c>reminders-mid-year-2026</c>.</summary>
    public static string Reminders(Period period, int year) => "reminders-" + Run(period, year);

    /// <summary>The year of one of our ids, or null for any other recurring job.</summary>
    public static int? YearOf(string id) =>
        Pattern().Match(id) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^(?:reminders-)?(?:mid-year|year-end)-(\d{4})$")]
    private static partial Regex Pattern();

    /// <summary>
    /// The calendar year in which a period's job of a fiscal year may act: the mid-year review in the year itself,
    /// the year-end scoring (and its reminders) in the year after.
    /// </summary>
    public static int DueYear(Period period, int year) => period == Period.MidYear ? year : year + 1;
}

/// <summary>
/// Keeps Hangfire's recurring jobs in step with the open fiscal years: per open year the mid-year and year-end runs
/// and their reminders; those of years no longer open are removed. Runs at start-up and when a year is opened or closed.
/// </summary>
public sealed partial class ScheduleRegistration(
    FiscalYearStore years,
    IRecurringJobManager recurring,
    JobStorage storage,
    IOptions<ServiceOptions> options,
    ILogger<ScheduleRegistration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Jobs.Schedule.Enabled)
            await SyncAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registers the jobs of every open year and removes ours of other years; returns the open years.</summary>
    public async Task<IReadOnlyList<int>> SyncAsync(CancellationToken cancellationToken = default)
    {
        var schedule = options.Value.Jobs.Schedule;
        var jobOptions = new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone) };
        var open = await years.OpenYearsAsync(cancellationToken);
        foreach (var year in open)
        {
            recurring.AddOrUpdate<ScheduledRunJob>(RecurringIds.Run(Period.MidYear, year),
                j => j.RunAsync(year, "mid-year", CancellationToken.None), schedule.MidYear, jobOptions);
            recurring.AddOrUpdate<ScheduledRunJob>(RecurringIds.Run(Period.YearEnd, year),
                j => j.RunAsync(year, "year-end", CancellationToken.None), schedule.YearEnd, jobOptions);
            recurring.AddOrUpdate<ReminderJob>(RecurringIds.Reminders(Period.MidYear, year),
                j => j.RunAsync(year, "mid-year", CancellationToken.None), schedule.MidYearReminders, jobOptions);
            recurring.AddOrUpdate<ReminderJob>(RecurringIds.Reminders(Period.YearEnd, year),
                j => j.RunAsync(year, "year-end", CancellationToken.None), schedule.YearEndReminders, jobOptions);
        }
        using (var connection = storage.GetConnection())
        {
            foreach (var job in connection.GetRecurringJobs())
            {
                if (RecurringIds.YearOf(job.Id) is { } year && !open.Contains(year))
                    recurring.RemoveIfExists(job.Id);
            }
        }
        Log.Synced(logger, string.Join(",", open));
        return open;
    }

    private static partial class Log
    {
        [LoggerMessage(1431, LogLevel.Information, "Recurring runs registered for the open fiscal years {Years}")]
        public static partial void Synced(ILogger logger, string years);
    }
}

/// <summary>
/// A scheduled run of a year and period: started as <c>POST /api/evaluations</c> starts one (as of 30 June or
/// 31 December, default scheme), when its cron fires in the right calendar year.
/// </summary>
/// <remarks>
/// A cron fires every year, so <c>mid-year-2026</c> also fires in July 2027: a firing outside the job's due year
/// (<see cref="RecurringIds.DueYear"/>, read from the injected <see cref="TimeProvider"/> in the schedule's time zone)
/// does nothing. A retried firing finds the run it started still in progress and starts no second one.
/// </remarks>
public sealed partial class ScheduledRunJob(
    TimeProvider time,
    IOptions<ServiceOptions> options,
    EvaluationStore runs,
    ProjectStore projects,
    IBackgroundJobClient jobs,
    ILogger<ScheduledRunJob> logger)
{
    [AutomaticRetry(Attempts = 3)]
    [DisplayName("定时评分：{0} 年度 {1}")]
    public async Task RunAsync(int year, string period, CancellationToken cancellationToken)
    {
        if (!PeriodNames.TryParse(period, out var p))
            throw new ArgumentException($"未知的评价期间“{period}”", nameof(period));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.Jobs.Schedule.TimeZone);
        var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        var trigger = RecurringIds.Run(p, year);
        if (now.Year != RecurringIds.DueYear(p, year))
        {
            Log.WrongYear(logger, trigger, now.Year);
            return;
        }
        if (await runs.LatestByTriggerAsync(trigger, cancellationToken) is { Status: RunStatus.Queued or RunStatus.Running } earlier)
        {
            Log.AlreadyStarted(logger, trigger, earlier.Id);
            return;
        }
        if ((await projects.ListAsync(year, null, cancellationToken)).Count == 0)
        {
            Log.NoProjects(logger, trigger);
            return;
        }
        var runId = await runs.CreateRunAsync(year, p, Evaluator.DefaultAsOf(year, p), SchemeCatalog.DefaultName, Actor.System, trigger, cancellationToken);
        var jobId = jobs.Enqueue<EvaluationJob>(j => j.RunAsync(runId, CancellationToken.None));
        await runs.SetJobAsync(runId, jobId, cancellationToken);
        Log.Started(logger, trigger, runId);
    }

    private static partial class Log
    {
        [LoggerMessage(1432, LogLevel.Information, "Recurring job {Trigger} fired in {Year}, not its year: nothing to do")]
        public static partial void WrongYear(ILogger logger, string trigger, int year);

        [LoggerMessage(1433, LogLevel.Information, "Recurring job {Trigger} started evaluation run {RunId}")]
        public static partial void Started(ILogger logger, string trigger, long runId);

        [LoggerMessage(1434, LogLevel.Information, "Recurring job {Trigger}: its run {RunId} is still in progress")]
        public static partial void AlreadyStarted(ILogger logger, string trigger, long runId);

        [LoggerMessage(1435, LogLevel.Warning, "Recurring job {Trigger}: the year has no projects; no run")]
        public static partial void NoProjects(ILogger logger, string trigger);
    }
}
