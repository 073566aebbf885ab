using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>A rule that failed to load, compile or run.</summary>
public sealed record RuleFailure(string File, string Workflow, string Rule, string Message)
{
    public override string ToString() => $"{File}: 工作流“{Workflow}” 规则“{Rule}”：{Message}";
}

/// <summary>
/// Loads rules files, checks their expressions against the allow-list (<see cref="RuleSafety"/>), compiles every
/// rule with the real input types and runs each action once on both branches, so that an error hidden in an action
/// (which RulesEngine does not report as a failure) surfaces.
/// </summary>
/// <remarks>A file with an unsafe expression is reported and never compiled or run.</remarks>
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
            var (rules, fileFailures) = await ValidateTextAsync(await File.ReadAllTextAsync(file), file);
            ruleCount += rules;
            failures.AddRange(fileFailures);
        }
        return (fileCount, ruleCount, failures);
    }

    /// <summary>Validates one rules file's text (an upload), naming it <paramref name="file"/> in the failures.</summary>
    public static async Task<(int Rules, List<RuleFailure> Failures)> ValidateTextAsync(string json, string file)
    {
        var failures = new List<RuleFailure>();
        Workflow[] workflows;
        try
        {
            workflows = RulesFile.Workflows(json);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            failures.Add(new RuleFailure(file, "", "", $"无法读取：{ex.Message}"));
            return (0, failures);
        }
        var ruleCount = workflows.Sum(w => w.Rules?.Count() ?? 0);
        var unsafeRules = RuleSafety.Check(workflows, file);
        if (unsafeRules.Count > 0)
        {
            failures.AddRange(unsafeRules);
            return (ruleCount, failures);
        }
        var set = new RuleSet(workflows);
        foreach (var workflow in workflows)
        {
            var count = workflow.Rules.Count();
            for (var i = 0; i < count; i++)
            {
                var rule = workflow.Rules.ElementAt(i);
                var actualParam = rule.LocalParams?.FirstOrDefault(p => p.Name == "actual")?.Expression;
                if (actualParam != RuleGenerator.ActualParam(i))
                    failures.Add(new RuleFailure(file, workflow.WorkflowName, rule.RuleName,
                        $"第 {i + 1} 条规则的局部参数 actual 应为“{RuleGenerator.ActualParam(i)}”，实际为“{actualParam ?? "缺失"}”"));
            }
            var context = ProbeContext with { Points = Enumerable.Repeat(10.0, count).ToArray() };
            var failed = new HashSet<string>();
            foreach (var probe in Probes)
            {
                var outcomes = await set.EvaluateAsync(workflow.WorkflowName, Enumerable.Repeat(probe, count).ToArray(), context);
                foreach (var outcome in outcomes.Where(o => o.Error is not null && failed.Add(o.Rule)))
                    failures.Add(new RuleFailure(file, workflow.WorkflowName, outcome.Rule, outcome.Error!));
            }
        }
        return (ruleCount, failures);
    }

    private static readonly RuleContext ProbeContext = new() { TimeProgress = 0.5 };

    /// <summary>Actuals that drive every rule down both its success and failure branch.</summary>
    private static readonly ActualInput[] Probes =
    [
        new() { Value = 1e9, Band = RuleNames.Met },
        new() { Value = 0.5, Band = RuleNames.PartlyMet },
        new() { Value = -1, Band = RuleNames.NotMet, HasPercent = true, Percent = 30 },
    ];
}
