using System.Text.Json;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;

namespace BudgetEvaluation.Jobs;

/// <summary>A project that could not be scored, and why; the run's other projects are scored all the same.</summary>
public sealed record ProjectError(long ProjectId, string Project, string Message);

/// <summary>The projects of a year (optionally one department's) ready to score: their rules and their stored actuals.</summary>
/// <param name="Problems">Per project, the stored rows that no longer fit its rules (scored as not reported).</param>
/// <param name="Uploads">Per project, the upload its actuals come from.</param>
/// <param name="Errors">Projects whose stored rules could not be read.</param>
public sealed record ScoringInput(
    IReadOnlyList<LoadedProject> Projects, ActualsSet Actuals, IReadOnlyDictionary<long, List<ImportError>> Problems,
    IReadOnlyDictionary<long, long> Uploads, IReadOnlyList<ProjectError> Errors)
{
    /// <summary>The last project read (scored or in <see cref="Errors"/>): the next chunk starts after it; null when none was left.</summary>
    public long? LastProjectId { get; init; }
}

/// <summary>
/// Stored rules and actuals → Core's <see cref="Evaluator"/> → stored results: what a run's department job and the
/// reminders share, so both see a project's actuals exactly as a run scores them.
/// </summary>
public sealed class ProjectScoring(ProjectStore projects, ActualsStore actuals)
{
    /// <summary>
    /// The projects with the rules current at <paramref name="rulesAt"/> and the actuals current at
    /// <paramref name="actualsAt"/> (null: now). A project whose rules cannot be read is left out as an error.
    /// </summary>
    public Task<ScoringInput> LoadAsync(
        int year, Period period, long? departmentId, DateTime? rulesAt, DateTime? actualsAt, CancellationToken cancellationToken) =>
        LoadAsync(year, period, departmentId, rulesAt, actualsAt, afterProjectId: null, limit: null, cancellationToken);

    /// <summary>
    /// One chunk of <see cref="LoadAsync(int, Period, long?, DateTime?, DateTime?, CancellationToken)"/>: at most
    /// <paramref name="limit"/> projects by id after <paramref name="afterProjectId"/>, with only their actuals, so a
    /// run's memory is bounded by the chunk, not by the department.
    /// </summary>
    public async Task<ScoringInput> LoadAsync(
        int year, Period period, long? departmentId, DateTime? rulesAt, DateTime? actualsAt, long? afterProjectId, int? limit, CancellationToken cancellationToken)
    {
        var stored = await projects.CurrentRulesAsync(year, departmentId, rulesAt, afterProjectId, limit, cancellationToken);
        // Reading the rules (a pack of a few KB each, or tens of KB of JSON) is most of a department's load: spread
        // over the cores, each slot keeps its project's place so the order stays that of the query.
        var parsed = new (LoadedProject? Project, ProjectError? Error)[stored.Count];
        Parallel.For(0, stored.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            i => parsed[i] = Parse(stored[i], period));
        var loaded = parsed.Where(p => p.Project is not null).Select(p => p.Project!).ToList();
        var errors = parsed.Where(p => p.Error is not null).Select(p => p.Error!).ToList();
        var rows = loaded.Count == 0
            ? []
            : await actuals.CurrentRowsAsync(year, period, departmentId, projectId: null, actualsAt,
                limit is null ? null : loaded.Select(p => p.ProjectId).ToArray(), cancellationToken);
        var (set, problems) = Rebuild(loaded, rows, period);
        var uploads = rows.GroupBy(r => r.ProjectId).ToDictionary(g => g.Key, g => g.First().UploadId);
        return new ScoringInput(loaded, set, problems, uploads, errors) { LastProjectId = stored.Count > 0 ? stored[^1].ProjectId : null };
    }

    /// <summary>The project with only <paramref name="period"/>'s workflow (the one scored) when read from its pack.</summary>
    private static (LoadedProject?, ProjectError?) Parse(StoredRules rules, Period period)
    {
        var source = StoredProjects.Source(rules);
        try
        {
            // The pack and text are not needed once read: dropped so a department's projects do not hold them twice.
            return (new LoadedProject(rules with { Packed = null, RulesText = null }, StoredProjects.Read(rules, period)), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, new ProjectError(rules.ProjectId, source, $"无法读取{source}：{ex.Message}"));
        }
    }

    /// <summary>
    /// Scores a chunk of projects; if Core refuses the chunk, each project alone, so one bad project costs only its
    /// own result (returned as an error).
    /// </summary>
    public static async Task<(List<ProjectResult> Results, List<ProjectError> Errors)> ScoreAsync(
        Evaluator evaluator, ScoringInput input, IReadOnlyList<LoadedProject> chunk, Period period, DateOnly asOf)
    {
        var results = new List<ProjectResult>(chunk.Count);
        var errors = new List<ProjectError>();
        List<ProjectEvaluation>? evaluations = null;
        try
        {
            evaluations = await evaluator.EvaluateAsync(chunk.Select(p => p.Rules).ToList(), input.Actuals, period, asOf);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Found below, project by project.
        }
        for (var i = 0; i < chunk.Count; i++)
        {
            var project = chunk[i];
            ProjectEvaluation evaluation;
            if (evaluations is not null)
                evaluation = evaluations[i];
            else
            {
                try
                {
                    evaluation = (await evaluator.EvaluateAsync([project.Rules], input.Actuals, period, asOf))[0];
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    errors.Add(new ProjectError(project.ProjectId, project.Rules.Project.Name, $"评分失败：{ex.Message}"));
                    continue;
                }
            }
            results.Add(ToResult(project, input.Uploads.TryGetValue(project.ProjectId, out var upload) ? upload : null,
                evaluation, input.Problems[project.ProjectId]));
        }
        return (results, errors);
    }

    /// <summary>
    /// The stored rows matched to the current rules by their indicator path (<see cref="ActualsSet.FromMatched"/>): the
    /// upload matched them by name when it was accepted, so only the values are checked against the current targets.
    /// Rows that no longer fit (targets re-imported since the upload) become the project's problems, named by the
    /// upload's file and line, and score as not reported.
    /// </summary>
    private static (ActualsSet Set, Dictionary<long, List<ImportError>> Problems) Rebuild(
        IReadOnlyList<LoadedProject> loaded, IReadOnlyList<CurrentActualRow> stored, Period period)
    {
        var byId = new Dictionary<long, (LoadedProject Project, Dictionary<string, Indicator> Indicators)>(loaded.Count);
        var problems = new Dictionary<long, List<ImportError>>(loaded.Count);
        foreach (var project in loaded)
        {
            // Each project's indicators by path (the first of a repeated path, as the rules file lists them).
            var indicators = new Dictionary<string, Indicator>(project.Rules.Table.Indicators.Count, StringComparer.Ordinal);
            foreach (var indicator in project.Rules.Table.Indicators)
                indicators.TryAdd(indicator.Path, indicator);
            byId[project.ProjectId] = (project, indicators);
            problems[project.ProjectId] = [];
        }
        // Rows of several uploads share line numbers: each gets its position here, mapped back for messages.
        var origins = new List<CurrentActualRow>(stored.Count);
        var rows = new List<(RulesProject, Indicator?, ActualRow)>(stored.Count);
        foreach (var row in stored)
        {
            if (!byId.TryGetValue(row.ProjectId, out var entry))
                continue;
            Indicator? indicator = null;
            if (row.IndicatorPath != ActualsSet.SpendingPath && !entry.Indicators.TryGetValue(row.IndicatorPath, out indicator))
            {
                problems[row.ProjectId].Add(new ImportError(row.FileName, row.Line, ActualsColumns.Indicator,
                    $"项目“{entry.Project.Rules.Project.Name}”当前的规则中没有指标“{row.IndicatorPath}”（目标表在上传后重新导入），按未填报计"));
                continue;
            }
            origins.Add(row);
            rows.Add((entry.Project.Rules, indicator, new ActualRow
            {
                Line = origins.Count,
                Project = entry.Project.Rules.Project.Name,
                Indicator = indicator?.Name ?? ActualsColumns.SpendingIndicator,
                Value = row.RawValue,
                Deviation = row.DeviationReason ?? "",
                DeviationType = row.DeviationType ?? "",
                Likelihood = row.Likelihood ?? "",
            }));
        }
        var set = ActualsSet.FromMatched(rows, period, "");
        foreach (var error in set.Errors)
        {
            var origin = origins[error.Line - 1];
            problems[origin.ProjectId].Add(error with { File = origin.FileName, Line = origin.Line });
        }
        return (set, problems);
    }

    /// <summary>A project's evaluation as the row a run stores (public for the <c>save</c> benchmark).</summary>
    public static ProjectResult ToResult(LoadedProject project, long? uploadId, ProjectEvaluation evaluation, IReadOnlyList<ImportError> problems) =>
        new(project.ProjectId, project.Stored.RuleSetId, uploadId,
            (decimal?)evaluation.TotalScore, evaluation.Grade, evaluation.Warning,
            JsonSerializer.SerializeToUtf8Bytes(evaluation, EvaluationJson.Compact),
            evaluation.Missing, problems);
}
