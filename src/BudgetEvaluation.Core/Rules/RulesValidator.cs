using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>A rule that failed to load, compile or run.</summary>
public sealed record RuleFailure(string File, string Workflow, string Rule, string Message)
{
    public override string ToString() => $"{File}: 工作流“{Workflow}” 规则“{Rule}”：{Message}";
}

/// <summary>
/// Loads rules files, compiles every rule with the real input types and runs each action once on both
/// branches, so that an error hidden in an action (which RulesEngine does not report as a failure) surfaces.
/// </summary>
public static class RulesValidator
{
    public static async Task<(int Files, int Rules, List<RuleFailure> Failures)> ValidateAsync(IEnumerable<string> files)
    {
        var failures = new List<RuleFailure>();
        var fileCount = 0;
        var ruleCount = 0;
        foreach (var file in files)
        {
            fileCount++;
            Workflow[] workflows;
            try
            {
                workflows = RulesFile.Workflows(await File.ReadAllTextAsync(file));
            }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
            {
                failures.Add(new RuleFailure(file, "", "", $"无法读取：{ex.Message}"));
                continue;
            }
            var set = new RuleSet(workflows);
            foreach (var workflow in workflows)
            {
                foreach (var rule in workflow.Rules)
                {
                    ruleCount++;
                    foreach (var actual in Probes)
                    {
                        var outcome = await set.EvaluateAsync(workflow.WorkflowName, rule.RuleName, actual, ProbeContext);
                        if (outcome.Error is not null)
                        {
                            failures.Add(new RuleFailure(file, workflow.WorkflowName, rule.RuleName, outcome.Error));
                            break;
                        }
                    }
                }
            }
        }
        return (fileCount, ruleCount, failures);
    }

    private static readonly RuleContext ProbeContext = new() { Points = 10, TimeProgress = 0.5 };

    /// <summary>Actuals that drive every rule down both its success and failure branch.</summary>
    private static readonly ActualInput[] Probes =
    [
        new() { Value = 1e9, Band = RuleNames.Met },
        new() { Value = 0.5, Band = RuleNames.PartlyMet },
        new() { Value = -1, Band = RuleNames.NotMet, HasPercent = true, Percent = 30 },
    ];
}
