using RulesEngine.HelperFunctions;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>The outcome of one rule: whether its target was met and what its action computed.</summary>
public sealed record RuleOutcome(bool Met, double Output, string? Error);

/// <summary>
/// Workflows loaded into one shared Microsoft RulesEngine instance, evaluated one indicator at a time with
/// that indicator's <see cref="ActualInput"/> and the run's <see cref="RuleContext"/>.
/// </summary>
public sealed class RuleSet
{
    private readonly RulesEngine.RulesEngine _engine;
    private readonly HashSet<string> _workflowNames;

    public RuleSet(IReadOnlyCollection<Workflow> workflows)
    {
        _workflowNames = workflows.Select(w => w.WorkflowName).ToHashSet(StringComparer.Ordinal);
        _engine = new RulesEngine.RulesEngine(workflows.ToArray(), Settings(workflows.Count));
    }

    public bool Contains(string workflowName) => _workflowNames.Contains(workflowName);

    /// <summary>Engine settings: <c>Math</c> available to expressions, the compiled-rule cache sized to the workflows loaded.</summary>
    /// <remarks>The default cache holds 1 000 entries; past that RulesEngine recompiles on every pass (RULESENGINE.md).</remarks>
    public static ReSettings Settings(int workflowCount) => new()
    {
        CustomTypes = [typeof(Math)],
        CacheConfig = new MemCacheConfig { SizeLimit = Math.Max(1_000, workflowCount * 4) },
        EnableFormattedErrorMessage = false,
    };

    public async Task<RuleOutcome> EvaluateAsync(string workflowName, string ruleName, ActualInput actual, RuleContext context)
    {
        ActionRuleResult result;
        try
        {
            result = await _engine.ExecuteActionWorkflowAsync(workflowName, ruleName,
            [
                new RuleParameter(RuleNames.ActualInput, actual),
                new RuleParameter(RuleNames.ContextInput, context),
            ]);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new RuleOutcome(false, 0, ex.Message);
        }
        var ruleResult = result.Results?.FirstOrDefault();
        if (ruleResult is null)
            return new RuleOutcome(false, 0, $"规则“{ruleName}”没有结果");
        if (!string.IsNullOrEmpty(ruleResult.ExceptionMessage))
            return new RuleOutcome(false, 0, ruleResult.ExceptionMessage);
        // An error inside an action does not fail the rule: RulesEngine reports IsSuccess with the exception beside it.
        if (result.Exception is not null)
            return new RuleOutcome(ruleResult.IsSuccess, 0, result.Exception.Message);
        var output = result.Output switch
        {
            double d => d,
            null => double.NaN,
            IConvertible c => c.ToDouble(System.Globalization.CultureInfo.InvariantCulture),
            _ => double.NaN,
        };
        if (double.IsNaN(output) || double.IsInfinity(output))
            return new RuleOutcome(ruleResult.IsSuccess, 0, $"规则“{ruleName}”的输出不是有限数值（{result.Output}）");
        return new RuleOutcome(ruleResult.IsSuccess, output, null);
    }
}
