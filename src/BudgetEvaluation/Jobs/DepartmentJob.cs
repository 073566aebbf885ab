using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Hosting;
using BudgetEvaluation.Jobs.Sources;
using BudgetEvaluation.Scoring;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BudgetEvaluation.Jobs;

/// <summary>
/// One department's part of a run: pull its actuals from every <see cref="IActualsSource"/>, then score its
/// projects as <c>budgeteval score</c> does and store the results, chunk by chunk.
/// </summary>
/// <remarks>
/// <para>Retries are ours, not Hangfire's, so their delays are configuration (<see cref="JobOptions.RetryDelays"/>)
/// and the run view can show them: an attempt that fails (a source down, or any error) records why, marks the
/// department <c>retrying</c> (and late, when a source was down) and schedules the next attempt.</para>
/// <para>When the retries are used up and a source is still down, the department is scored with the actuals already
/// stored and finishes <c>late</c> with the reason; the run still finishes. Any other error left after the
/// retries finishes the department <c>failed</c> (the run then finishes failed, naming it).</para>
/// <para>The actuals are fixed when the department's pull first completes (<c>run_departments.actuals_at</c>); a
/// later attempt neither pulls again nor sees later uploads, so every attempt scores the same inputs (the rules are
/// those current when the run was requested).</para>
/// </remarks>
public sealed partial class DepartmentJob(
    EvaluationStore runs,
    RunDepartmentStore departments,
    ProjectScoring scoring,
    SchemeCatalog schemes,
    IEnumerable<IActualsSource> sources,
    IBackgroundJobClient jobs,
    IOptions<ServiceOptions> options,
    NpgsqlDataSource dataSource,
    ILogger<DepartmentJob> logger)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    // Hangfire's own retries only catch what this method could not record: the database itself unreachable (a
    // restart, an outage). Its default delays are random (15–45 s, then 30–90 s, then 1.5–3 min) and three
    // attempts end after about 5 minutes, leaving the run "running" for good; these fixed delays retry soon after a
    // restart and outlast an outage of 20 minutes (RunRestartTests).
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 15, 60, 300, 900])]
    [DisplayName("评分：运行 {0} 主管部门 {1}")]
    public async Task RunAsync(long runId, long departmentId, CancellationToken cancellationToken)
    {
        if (await ScoreAsync(runId, departmentId, retry: true, cancellationToken))
            jobs.Enqueue<SummaryJob>(j => j.RunAsync(runId, CancellationToken.None));
    }

    /// <summary>One attempt; true when it finished the run's last department (the caller then builds the summary).</summary>
    /// <param name="retry">Schedule a retry on failure; false scores with the stored actuals at once (in-place runs).</param>
    public async Task<bool> ScoreAsync(long runId, long departmentId, bool retry, CancellationToken cancellationToken)
    {
        var run = await runs.GetRunAsync(runId, cancellationToken);
        var department = run is null ? null : await departments.StartAsync(runId, departmentId, cancellationToken);
        if (run is null || department is null)
        {
            Log.DepartmentMissing(logger, runId, departmentId);
            return false;
        }
        var delays = options.Value.Jobs.Delays;
        var attempt = department.Attempts;
        TimeSpan? retryAfter = retry && attempt <= delays.Count ? delays[attempt - 1] : null;
        try
        {
            if (!PeriodNames.TryParse(run.Period, out var period))
                throw new InvalidOperationException($"未知的评价期间“{run.Period}”");
            var actualsAt = department.ActualsAt;
            var late = department.Late && actualsAt is not null;
            var lateReason = late ? department.Error : null;
            if (actualsAt is null)
            {
                var (files, down) = await PullAsync(new PullRequest(runId, run.Year, period, departmentId, department.Department), cancellationToken);
                var pulled = JsonSerializer.Serialize(files, Json);
                if (down.Count > 0)
                {
                    var reason = string.Join("；", down);
                    if (retryAfter is { } delay)
                    {
                        await departments.RetryingAsync(runId, departmentId,
                            string.Create(CultureInfo.InvariantCulture, $"{reason}（第 {attempt} 次尝试，{delay} 后重试）"), late: true, pulled, cancellationToken);
                        Schedule(runId, departmentId, delay);
                        Log.SourceDown(logger, runId, department.Department, attempt);
                        return false;
                    }
                    late = true;
                    lateReason = string.Create(CultureInfo.InvariantCulture, $"{reason}；已尝试 {attempt} 次，按已存储的实际完成值评分");
                    Log.ScoredLate(logger, runId, department.Department, attempt);
                }
                actualsAt = await departments.PulledAsync(runId, departmentId, pulled, late, lateReason, cancellationToken);
            }
            var errors = await ScoreProjectsAsync(run, period, departmentId, actualsAt.Value, cancellationToken);
            return await departments.FinishAsync(runId, departmentId, late ? DepartmentStatus.Late : DepartmentStatus.Succeeded,
                lateReason, JsonSerializer.Serialize(errors, Json), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A restart breaks every idle connection in the pool and Npgsql finds each broken only when it uses it:
            // emptied here, recording the failure below gets a fresh one once the database is back.
            if (DatabaseFaults.IsConnectionLost(ex))
                dataSource.Clear();
            if (retryAfter is { } delay)
            {
                await departments.RetryingAsync(runId, departmentId,
                    string.Create(CultureInfo.InvariantCulture, $"第 {attempt} 次尝试失败：{ex.Message}（{delay} 后重试）"), late: false, null, CancellationToken.None);
                Schedule(runId, departmentId, delay);
                Log.AttemptFailed(logger, ex, runId, department.Department, attempt);
                return false;
            }
            Log.DepartmentFailed(logger, ex, runId, department.Department, attempt);
            return await departments.FinishAsync(runId, departmentId, DepartmentStatus.Failed,
                string.Create(CultureInfo.InvariantCulture, $"评分失败（已尝试 {attempt} 次）：{ex.Message}"), "[]", CancellationToken.None);
        }
    }

    /// <summary>Asks every source; returns the files they brought and, per source that could not be reached, why.</summary>
    private async Task<(List<PulledFile> Files, List<string> Down)> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        var files = new List<PulledFile>();
        var down = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                files.AddRange(await source.PullAsync(request, cancellationToken));
            }
            catch (SourceUnavailableException ex)
            {
                down.Add($"数据来源“{ex.SourceName}”不可用：{ex.Message}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A source's own bug must not cost the department its scores: treated like a source that is down.
                down.Add($"数据来源“{source.Name}”出错：{ex.Message}");
            }
        }
        return (files, down);
    }

    /// <summary>
    /// Scores the department's projects in chunks, each loaded (rules and actuals in one query each), scored and
    /// stored in one transaction; returns the projects that could not be scored (unreadable rules first, as before).
    /// </summary>
    private async Task<List<ProjectError>> ScoreProjectsAsync(EvaluationRun run, Period period, long departmentId, DateTime actualsAt, CancellationToken cancellationToken)
    {
        var scheme = schemes.Find(run.Scheme) ?? throw new InvalidOperationException($"评分方案“{run.Scheme}”不存在");
        var evaluator = new Evaluator(scheme);
        var chunkSize = Math.Max(1, options.Value.Jobs.ChunkSize);
        var unreadable = new List<ProjectError>();
        var failed = new List<ProjectError>();
        var scored = 0;
        long? after = null;
        // Where the department's time went, logged with its count: what an operator (and the e2e bench) looks at first.
        var (load, score, save) = (new Stopwatch(), new Stopwatch(), new Stopwatch());
        while (true)
        {
            load.Start();
            var input = await scoring.LoadAsync(run.Year, period, departmentId, run.RequestedAt, actualsAt, after, chunkSize, cancellationToken);
            load.Stop();
            if (input.LastProjectId is not { } last)
                break;
            unreadable.AddRange(input.Errors);
            score.Start();
            var (results, chunkErrors) = await ProjectScoring.ScoreAsync(evaluator, input, input.Projects, period, run.AsOf);
            score.Stop();
            save.Start();
            await runs.SaveResultsAsync(run.Id, departmentId, results, cancellationToken);
            save.Stop();
            failed.AddRange(chunkErrors);
            scored += results.Count;
            after = last;
        }
        var errors = unreadable.Concat(failed).ToList();
        Log.Scored(logger, run.Id, departmentId, scored, errors.Count, load.ElapsedMilliseconds, score.ElapsedMilliseconds, save.ElapsedMilliseconds);
        return errors;
    }

    private void Schedule(long runId, long departmentId, TimeSpan delay) =>
        jobs.Schedule<DepartmentJob>(j => j.RunAsync(runId, departmentId, CancellationToken.None), delay);

    private static partial class Log
    {
        [LoggerMessage(1411, LogLevel.Warning, "Evaluation run {RunId} has no department {DepartmentId}; job skipped")]
        public static partial void DepartmentMissing(ILogger logger, long runId, long departmentId);

        [LoggerMessage(1412, LogLevel.Warning, "Evaluation run {RunId}, {Department}: a source is down (attempt {Attempt}); retry scheduled")]
        public static partial void SourceDown(ILogger logger, long runId, string department, int attempt);

        [LoggerMessage(1413, LogLevel.Warning, "Evaluation run {RunId}, {Department}: a source is still down after {Attempt} attempts; scored with the stored actuals")]
        public static partial void ScoredLate(ILogger logger, long runId, string department, int attempt);

        [LoggerMessage(1414, LogLevel.Warning, "Evaluation run {RunId}, {Department}: attempt {Attempt} failed; retry scheduled")]
        public static partial void AttemptFailed(ILogger logger, Exception exception, long runId, string department, int attempt);

        [LoggerMessage(1415, LogLevel.Error, "Evaluation run {RunId}, {Department}: failed after {Attempt} attempts")]
        public static partial void DepartmentFailed(ILogger logger, Exception exception, long runId, string department, int attempt);

        [LoggerMessage(1416, LogLevel.Information,
            "Evaluation run {RunId}, department {DepartmentId}: {Projects} projects scored, {Errors} could not be (load {LoadMs} ms, score {ScoreMs} ms, save {SaveMs} ms)")]
        public static partial void Scored(ILogger logger, long runId, long departmentId, int projects, int errors, long loadMs, long scoreMs, long saveMs);
    }
}
