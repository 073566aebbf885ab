using System.Globalization;
using RulesEngine.HelperFunctions;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>The outcome of one rule: whether its target was met and what its action computed.</summary>
public sealed record RuleOutcome(string Rule, bool Met, double Output, string? Error);

/// <summary>
/// Workflows loaded into one shared Microsoft RulesEngine instance. A workflow runs all its rules at once on the
/// inputs <c>actuals</c> (one <see cref="ActualInput"/> per rule, by position) and <c>context</c>.
/// </summary>
/// <remarks>
/// Running a whole workflow lets RulesEngine compile it once and cache it; running one rule at a time
/// (ExecuteActionWorkflowAsync) recompiles that rule on every call, about 150 µs each (measured here).
/// </remarks>
public sealed class RuleSet : IRuleRunner
{
    private readonly RulesEngine.RulesEngine _engine;
    private readonly Dictionary<string, Workflow> _workflows;

    public RuleSet(IReadOnlyCollection<Workflow> workflows)
    {
        _workflows = workflows.ToDictionary(w => w.WorkflowName, StringComparer.Ordinal);
        _engine = new RulesEngine.RulesEngine(workflows.ToArray(), Settings(workflows.Count));
    }

    public bool Contains(string workflowName) => _workflows.ContainsKey(workflowName);

    /// <summary>Engine settings: <c>Math</c> available to expressions, the compiled-rule cache sized to the workflows loaded.</summary>
    /// <remarks>The default cache holds 1 000 entries; past that RulesEngine recompiles on every pass (RULESENGINE.md).</remarks>
    public static ReSettings Settings(int workflowCount) => new()
    {
        CustomTypes = [typeof(Math)],
        CacheConfig = new MemCacheConfig { SizeLimit = Math.Max(10_000, workflowCount * 4) },
        EnableFormattedErrorMessage = false,
    };

    public ValueTask<RuleOutcome[]> RunAsync(string workflowName, ActualInput[] actuals, RuleContext context) =>
        new(EvaluateAsync(workflowName, actuals, context));

    /// <summary>
    /// Runs a workflow. <paramref name="actuals"/> holds one entry per rule in workflow order (a placeholder where an
    /// actual is missing: the caller ignores that rule's outcome). Outcomes come back in rule order.
    /// </summary>
    public async Task<RuleOutcome[]> EvaluateAsync(string workflowName, ActualInput[] actuals, RuleContext context)
    {
        List<RuleResultTree> results;
        try
        {
            results = await _engine.ExecuteAllRulesAsync(workflowName,
                new RuleParameter(RuleNames.ActualsInput, actuals),
                new RuleParameter(RuleNames.ContextInput, context));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var rules = _workflows.TryGetValue(workflowName, out var w) ? w.Rules.Select(r => r.RuleName) : [""];
            return rules.Select(r => new RuleOutcome(r, false, 0, ex.Message)).ToArray();
        }
        return results.Select(Outcome).ToArray();
    }

    /// <summary>An action's output as a number: NaN when there is none or it is not numeric (shared with <see cref="CompiledRules"/>).</summary>
    public static double OutputNumber(object? raw) => raw switch
    {
        double d => d,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => double.NaN,
    };

    private static RuleOutcome Outcome(RuleResultTree result)
    {
        var name = result.Rule.RuleName;
        if (!string.IsNullOrEmpty(result.ExceptionMessage))
            return new RuleOutcome(name, false, 0, result.ExceptionMessage);
        // An error inside an action does not fail the rule: RulesEngine reports IsSuccess with the exception beside it.
        if (result.ActionResult?.Exception is { } actionError)
            return new RuleOutcome(name, result.IsSuccess, 0, $"动作表达式出错：{actionError.Message}");
        var raw = result.ActionResult?.Output;
        var output = OutputNumber(raw);
        if (!double.IsFinite(output))
            return new RuleOutcome(name, result.IsSuccess, 0, $"动作输出不是有限数值（{raw ?? "空"}）");
        return new RuleOutcome(name, result.IsSuccess, output, null);
    }
}
