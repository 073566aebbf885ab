using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Scoring;
using BudgetEvaluation.Targets;
using Hangfire;

namespace BudgetEvaluation.Jobs;

/// <summary>
/// A scoring run as a Hangfire job: the rules and actuals of every project of the run's year and period, as they
/// were when the run was requested, scored by Core's <see cref="Evaluator"/>; one result per project with the rules
/// version and upload it used.
/// </summary>
/// <remarks>
/// Takes the run's id, not its data, and is re-entrant: a retried or re-run job reads the same inputs (pinned to the
/// request time) and <see cref="EvaluationStore.SaveResultAsync"/> replaces the run's result per project, so the
/// run ends with the same rows and no duplicates.
/// </remarks>
public sealed partial class EvaluationJob(
    EvaluationStore runs,
    StoredProjects projects,
    ActualsStore actuals,
    SchemeCatalog schemes,
    AuditLog audit,
    ILogger<EvaluationJob> logger)
{
    [AutomaticRetry(Attempts = 3)]
    [DisplayName("评分：运行 {0}")]
    public async Task RunAsync(long runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetRunAsync(runId, cancellationToken);
        if (run is null)
        {
            Log.RunMissing(logger, runId);
            return;
        }
        await runs.MarkRunningAsync(runId, cancellationToken);
        try
        {
            var scored = await ScoreAsync(run, cancellationToken);
            await runs.MarkFinishedAsync(runId, null, cancellationToken);
            await audit.WriteAsync(Actor.System, "evaluations.finish", AuditOutcome.Succeeded, $"evaluation_run:{runId}",
                new { run.Year, run.Period, projects = scored.Projects, withoutActuals = scored.WithoutActuals, withProblems = scored.WithProblems },
                cancellationToken);
            Log.Finished(logger, runId, scored.Projects);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Recorded for GET /api/evaluations/{id}; rethrown so Hangfire retries (a retry marks the run running again).
            await runs.MarkFinishedAsync(runId, $"评分失败：{ex.Message}", CancellationToken.None);
            Log.Failed(logger, ex, runId);
            throw;
        }
    }

    private sealed record Scored(int Projects, int WithoutActuals, int WithProblems);

    private async Task<Scored> ScoreAsync(EvaluationRun run, CancellationToken cancellationToken)
    {
        if (!PeriodNames.TryParse(run.Period, out var period))
            throw new InvalidOperationException($"未知的评价期间“{run.Period}”");
        var scheme = schemes.Find(run.Scheme) ?? throw new InvalidOperationException($"评分方案“{run.Scheme}”不存在");
        var loaded = await projects.LoadAsync(run.Year, at: run.RequestedAt, cancellationToken: cancellationToken);
        if (loaded.Count == 0)
            return new Scored(0, 0, 0);
        var stored = await actuals.CurrentRowsAsync(run.Year, period, at: run.RequestedAt, cancellationToken: cancellationToken);
        var (set, problems) = Rebuild(loaded, stored, period);
        var uploads = stored.GroupBy(r => r.ProjectId).ToDictionary(g => g.Key, g => g.First().UploadId);

        var evaluations = await new Evaluator(scheme).EvaluateAsync(loaded.Select(p => p.Rules).ToList(), set, period, run.AsOf);
        for (var i = 0; i < loaded.Count; i++)
        {
            var project = loaded[i];
            await runs.SaveResultAsync(run.Id,
                ToResult(project, uploads.TryGetValue(project.ProjectId, out var upload) ? upload : null, evaluations[i], problems[project.ProjectId]),
                cancellationToken);
        }
        return new Scored(loaded.Count, loaded.Count(p => !uploads.ContainsKey(p.ProjectId)), problems.Count(p => p.Value.Count > 0));
    }

    /// <summary>
    /// The stored rows as the actuals file Core reads: each names its project in full (年度, 主管部门, 项目名称) and its
    /// indicator as the current rules spell it, and is matched by <see cref="ActualsSet.Match"/> like an upload.
    /// Rows that no longer fit (targets re-imported since the upload) become the project's problems, named by the
    /// upload's file and line, and score as not reported.
    /// </summary>
    private static (ActualsSet Set, Dictionary<long, List<ImportError>> Problems) Rebuild(
        IReadOnlyList<LoadedProject> loaded, IReadOnlyList<CurrentActualRow> stored, Period period)
    {
        var byId = loaded.ToDictionary(p => p.ProjectId);
        var problems = loaded.ToDictionary(p => p.ProjectId, _ => new List<ImportError>());
        // Rows of several uploads share line numbers: each gets its position here, mapped back for messages.
        var origins = new List<CurrentActualRow>();
        var rows = new List<ActualRow>();
        foreach (var row in stored)
        {
            if (!byId.TryGetValue(row.ProjectId, out var project))
                continue;
            var p = project.Rules.Project;
            string category, subcategory, name;
            if (row.IndicatorPath == ActualsSet.SpendingPath)
                (category, subcategory, name) = (ActualsColumns.FundsCategory, "", ActualsColumns.SpendingIndicator);
            else if (project.Rules.Table.Indicators.FirstOrDefault(i => i.Path == row.IndicatorPath) is { } indicator)
                (category, subcategory, name) = (indicator.Category, indicator.Subcategory, indicator.Name);
            else
            {
                problems[row.ProjectId].Add(new ImportError(row.FileName, row.Line, ActualsColumns.Indicator,
                    $"项目“{p.Name}”当前的规则中没有指标“{row.IndicatorPath}”（目标表在上传后重新导入），按未填报计"));
                continue;
            }
            origins.Add(row);
            rows.Add(new ActualRow
            {
                Line = origins.Count,
                Year = p.Year.ToString(CultureInfo.InvariantCulture),
                Department = p.Department,
                Project = p.Name,
                Category = category,
                Subcategory = subcategory,
                Indicator = name,
                Value = row.RawValue,
                Deviation = row.DeviationReason ?? "",
                DeviationType = row.DeviationType ?? "",
                Likelihood = row.Likelihood ?? "",
            });
        }
        var set = ActualsSet.Match(rows, loaded.Select(p => p.Rules).ToList(), period, "");
        foreach (var error in set.Errors)
        {
            var origin = origins[error.Line - 1];
            problems[origin.ProjectId].Add(error with { File = origin.FileName, Line = origin.Line });
        }
        return (set, problems);
    }

    private static ProjectResult ToResult(LoadedProject project, long? uploadId, ProjectEvaluation evaluation, IReadOnlyList<ImportError> problems)
    {
        var funds = evaluation.Funds;
        var indicators = new List<IndicatorScoreRecord>
        {
            // 项目资金 first, as in the official tables: with it the scores add up to the total.
            new(ActualsSet.SpendingPath, string.Create(CultureInfo.InvariantCulture, $"全年预算数 {funds.AnnualBudget}万元"),
                funds.Spent?.ToString(CultureInfo.InvariantCulture), (decimal)funds.Weight, (decimal)funds.Score, null, funds.Warning, funds.Explanation),
        };
        indicators.AddRange(evaluation.Indicators.Select(i => new IndicatorScoreRecord(
            $"{i.Category}/{i.Subcategory}/{i.Indicator}", i.Target, i.Actual, (decimal)i.Weight, (decimal)i.Score, i.Status, i.Warning, i.Explanation)));
        return new ProjectResult(
            project.ProjectId, project.Stored.RuleSetId, uploadId,
            (decimal?)evaluation.TotalScore, evaluation.Grade, evaluation.Warning,
            JsonSerializer.Serialize(evaluation, EvaluationJson.Options),
            indicators, problems);
    }

    private static partial class Log
    {
        [LoggerMessage(1401, LogLevel.Warning, "Evaluation run {RunId} does not exist; job skipped")]
        public static partial void RunMissing(ILogger logger, long runId);

        [LoggerMessage(1402, LogLevel.Information, "Evaluation run {RunId} scored {Projects} projects")]
        public static partial void Finished(ILogger logger, long runId, int projects);

        [LoggerMessage(1403, LogLevel.Error, "Evaluation run {RunId} failed")]
        public static partial void Failed(ILogger logger, Exception exception, long runId);
    }
}
