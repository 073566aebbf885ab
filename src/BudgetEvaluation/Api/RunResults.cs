using System.Text.Json;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>A run's stored evaluations, read back into Core's model (the JSON <c>budgeteval score</c> writes).</summary>
public sealed record RunEvaluations(EvaluationRun Run, Period Period, IReadOnlyList<StoredResult> Results, IReadOnlyList<ProjectEvaluation> Evaluations);

/// <summary>Finds the run a results or report request means: the one given by <c>run</c>, else the latest succeeded run of the year and period.</summary>
public static class RunResults
{
    /// <summary>Header naming the run behind a results or report response.</summary>
    public const string RunHeader = "X-Evaluation-Run";

    public static async Task<(RunEvaluations? Found, ProblemHttpResult? Problem)> LoadAsync(
        string? year, string? period, string? run, long? departmentId, EvaluationStore store, CancellationToken cancellationToken)
    {
        if (Query.Id("run", run, out var runId) is { } badRun)
            return (null, badRun);
        EvaluationRun? found;
        if (runId is { } id)
        {
            found = await store.GetRunAsync(id, cancellationToken);
            if (found is null)
                return (null, Problems.NotFound($"评分运行 {id} 不存在"));
            if (!string.IsNullOrWhiteSpace(year) && year.Trim() != found.Year.ToString(System.Globalization.CultureInfo.InvariantCulture))
                return (null, Problems.BadRequest($"评分运行 {id} 是 {found.Year} 年度的，与参数 year={year} 不符"));
            if (!string.IsNullOrWhiteSpace(period) && (!PeriodNames.TryParse(period, out var asked) || asked.Code() != found.Period))
                return (null, Problems.BadRequest($"评分运行 {id} 的期间是 {found.Period}，与参数 period={period} 不符"));
            if (found.Status != RunStatus.Succeeded)
                return (null, Problems.Create(StatusCodes.Status409Conflict, $"评分运行 {id} 尚未成功完成（状态：{found.Status}）"));
        }
        else
        {
            if (Query.Year(year, out var fiscalYear) is { } badYear)
                return (null, badYear);
            if (Query.Period(period, out var p) is { } badPeriod)
                return (null, badPeriod);
            found = await store.LatestSucceededRunAsync(fiscalYear, p, cancellationToken);
            if (found is null)
                return (null, Problems.NotFound($"{fiscalYear} 年度{p.Chinese()}还没有成功完成的评分：请先发起评分（POST /api/evaluations）"));
        }
        PeriodNames.TryParse(found.Period, out var runPeriod);
        var results = await store.ResultsAsync(found.Id, departmentId, cancellationToken);
        var evaluations = results
            .Select(r => JsonSerializer.Deserialize<ProjectEvaluation>(r.Result, EvaluationJson.Options)
                ?? throw new InvalidOperationException($"评分结果 {r.Id} 为空"))
            .ToList();
        return (new RunEvaluations(found, runPeriod, results, evaluations), null);
    }
}
