using System.ComponentModel;
using BudgetEvaluation.Data;
using Hangfire;

namespace BudgetEvaluation.Jobs;

/// <summary>
/// A scoring run's first job: records the run's departments and enqueues one <see cref="DepartmentJob"/> per
/// department; the department job that finishes last enqueues the <see cref="SummaryJob"/>.
/// </summary>
/// <remarks>
/// Hangfire's free edition has no batches, so the fan-in is ours: each department job, when it finishes, locks the
/// run's row and asks whether any department is left (<see cref="RunDepartmentStore.FinishAsync"/>). Every job takes
/// ids and is re-entrant: a retried or re-run job writes the same rows (keyed by run and project) and no duplicates.
/// </remarks>
public sealed partial class EvaluationJob(
    EvaluationStore runs,
    RunDepartmentStore departments,
    DepartmentJob departmentJob,
    SummaryJob summaryJob,
    IBackgroundJobClient jobs,
    ILogger<EvaluationJob> logger)
{
    // As DepartmentJob: a database restart or outage of up to 20 minutes must not leave the run unfinished.
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 15, 60, 300, 900])]
    [DisplayName("评分：运行 {0}")]
    public async Task RunAsync(long runId, CancellationToken cancellationToken)
    {
        if (await runs.GetRunAsync(runId, cancellationToken) is null)
        {
            Log.RunMissing(logger, runId);
            return;
        }
        var queued = await departments.RecordAsync(runId, cancellationToken);
        if ((await departments.ListAsync(runId, cancellationToken: cancellationToken)).Count == 0)
        {
            // A year without projects: nothing to fan out, the summary says so.
            jobs.Enqueue<SummaryJob>(j => j.RunAsync(runId, CancellationToken.None));
            return;
        }
        foreach (var departmentId in queued)
        {
            var jobId = jobs.Enqueue<DepartmentJob>(j => j.RunAsync(runId, departmentId, CancellationToken.None));
            await departments.SetJobAsync(runId, departmentId, jobId, cancellationToken);
        }
        Log.FannedOut(logger, runId, queued.Count);
    }

    /// <summary>
    /// The whole run in this process, one department after another, without Hangfire and without retries (a source
    /// that is down makes its department late at once): for the demo data loaded before the server starts.
    /// </summary>
    public async Task RunInPlaceAsync(long runId, CancellationToken cancellationToken)
    {
        foreach (var departmentId in await departments.RecordAsync(runId, cancellationToken))
            await departmentJob.ScoreAsync(runId, departmentId, retry: false, cancellationToken);
        await summaryJob.RunAsync(runId, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1401, LogLevel.Warning, "Evaluation run {RunId} does not exist; job skipped")]
        public static partial void RunMissing(ILogger logger, long runId);

        [LoggerMessage(1404, LogLevel.Information, "Evaluation run {RunId}: {Departments} department jobs enqueued")]
        public static partial void FannedOut(ILogger logger, long runId, int departments);
    }
}
