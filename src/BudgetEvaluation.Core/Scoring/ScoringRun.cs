using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Scoring;

/// <summary>Rules folder + actuals file → evaluations, or every error in the actuals (then nothing is scored).</summary>
public static class ScoringRun
{
    public static async Task<(List<ProjectEvaluation> Evaluations, List<ImportError> Errors)> RunAsync(
        IReadOnlyList<RulesProject> projects, string actualsPath, Period period, ScoringScheme scheme, DateOnly? asOf = null)
    {
        var (rows, errors) = ActualsFile.Read(actualsPath);
        if (errors.Count > 0)
            return ([], errors);
        var set = ActualsSet.Match(rows, projects, period, Path.GetFileName(actualsPath));
        if (set.Errors.Count > 0)
            return ([], set.Errors);
        return (await new Evaluator(scheme).EvaluateAsync(projects, set, period, asOf), []);
    }
}
