using System.ComponentModel;
using System.Globalization;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Hosting;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BudgetEvaluation.Jobs;

/// <summary>A department's projects whose actuals are incomplete.</summary>
public sealed record DepartmentReminder(long DepartmentId, string Department, int Projects, IReadOnlyList<MissingActuals> MissingActuals);

/// <summary>What is still missing for a year and period, and by when it is due (if a deadline is configured).</summary>
public sealed record ReminderReport(int Year, string Period, DateOnly? Deadline, int Projects, int WithMissingActuals, IReadOnlyList<DepartmentReminder> Departments);

/// <summary>
/// The actuals still missing for a year and period, per department and project: the stored actuals as they are now,
/// read the way a run reads them, so a project counts as complete exactly when a run would find nothing missing.
/// </summary>
public sealed class MissingActualsReport(ProjectScoring scoring, IOptions<ServiceOptions> options)
{
    /// <summary>The report for every department, or one (<paramref name="departmentId"/>); lists only departments with something missing.</summary>
    public async Task<ReminderReport> BuildAsync(int year, Period period, long? departmentId, CancellationToken cancellationToken)
    {
        var input = await scoring.LoadAsync(year, period, departmentId, null, null, cancellationToken);
        var evaluations = input.Projects.Count == 0
            ? []
            : await new Evaluator(ScoringScheme.Default).EvaluateAsync(input.Projects.Select(p => p.Rules).ToList(), input.Actuals, period);
        var departments = input.Projects
            .Select((p, i) => (Project: p, Evaluation: evaluations[i]))
            .GroupBy(x => (x.Project.DepartmentId, x.Project.Rules.Project.Department))
            .Select(g => new DepartmentReminder(g.Key.DepartmentId, g.Key.Department, g.Count(), g
                .Where(x => !input.Uploads.ContainsKey(x.Project.ProjectId) || x.Evaluation.Missing.Count > 0)
                .Select(x => new MissingActuals(x.Project.ProjectId, x.Project.Rules.Project.Name, !input.Uploads.ContainsKey(x.Project.ProjectId), x.Evaluation.Missing))
                .ToList()))
            .Where(d => d.MissingActuals.Count > 0)
            .OrderBy(d => d.Department, StringComparer.Ordinal)
            .ToList();
        return new ReminderReport(year, period.Code(), Deadline(year, period), input.Projects.Count, departments.Sum(d => d.MissingActuals.Count), departments);
    }

    /// <summary>The configured deadline (<c>MM-dd</c>) of the period: in the fiscal year for mid-year, the year after for year-end.</summary>
    public DateOnly? Deadline(int year, Period period)
    {
        var schedule = options.Value.Jobs.Schedule;
        var text = period == Period.MidYear ? schedule.MidYearDeadline : schedule.YearEndDeadline;
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var dueYear = RecurringIds.DueYear(period, year).ToString(CultureInfo.InvariantCulture);
        return DateOnly.TryParseExact($"{dueYear}-{text.Trim()}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new InvalidOperationException($"截止日期“{text}”应为 MM-dd（例如 07-05）");
    }
}

/// <summary>
/// Logs the missing actuals of a year and period, one line per department (sending mail is out of scope;
/// <c>GET /api/reminders</c> gives the same list). Like the runs, it acts only in its due year.
/// </summary>
public sealed partial class ReminderJob(
    TimeProvider time,
    IOptions<ServiceOptions> options,
    MissingActualsReport report,
    ILogger<ReminderJob> logger)
{
    [AutomaticRetry(Attempts = 1)]
    [DisplayName("催报：{0} 年度 {1}")]
    public async Task RunAsync(int year, string period, CancellationToken cancellationToken)
    {
        if (!PeriodNames.TryParse(period, out var p))
            throw new ArgumentException($"未知的评价期间“{period}”", nameof(period));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.Jobs.Schedule.TimeZone);
        var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        if (now.Year != RecurringIds.DueYear(p, year))
            return;
        var found = await report.BuildAsync(year, p, null, cancellationToken);
        var deadline = found.Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none";
        foreach (var department in found.Departments)
        {
            Log.Missing(logger, year, p.Code(), department.Department, department.MissingActuals.Count, deadline,
                string.Join("; ", department.MissingActuals.Select(m => m.NoActuals ? $"{m.Project}: no actuals" : $"{m.Project}: {string.Join(", ", m.Indicators)}")));
        }
        Log.Done(logger, year, p.Code(), found.WithMissingActuals, found.Projects);
    }

    private static partial class Log
    {
        [LoggerMessage(1441, LogLevel.Warning, "Reminder {Year} {Period}: {Department} has {Count} projects with missing actuals (deadline {Deadline}): {Projects}")]
        public static partial void Missing(ILogger logger, int year, string period, string department, int count, string deadline, string projects);

        [LoggerMessage(1442, LogLevel.Information, "Reminder {Year} {Period}: {Missing} of {Projects} projects have missing actuals")]
        public static partial void Done(ILogger logger, int year, string period, int missing, int projects);
    }
}
