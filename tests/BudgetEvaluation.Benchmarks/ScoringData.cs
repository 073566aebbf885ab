using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using RulesEngine.Models;

namespace BudgetEvaluation.Benchmarks;

/// <summary>
/// N generated projects loaded as the tool loads them (rules files parsed back, actuals rows matched), and the inputs
/// each project's year-end workflow runs on, precomputed once so the scoring cases time only scoring.
/// </summary>
public sealed class ScoringData
{
    public const Period ScoredPeriod = Period.YearEnd;

    public required List<RulesProject> Projects { get; init; }
    public required ActualsSet Actuals { get; init; }
    /// <summary>Per project, one actual per rule (a placeholder where missing), as Evaluator passes them.</summary>
    public required ActualInput[][] Inputs { get; init; }
    public required RuleContext[] Contexts { get; init; }
    /// <summary>Per project and rule: the actual is present and the rule carries points (what the total adds up).</summary>
    public required bool[][] Counted { get; init; }

    public int Indicators => Inputs.Sum(i => i.Length);

    /// <summary>Rows generated (bad ones included), bad rows, the errors the matcher reported for them, indicators without an actual.</summary>
    public required (int Rows, int Bad, int BadErrors, int Missing) RowCounts { get; init; }

    public static ScoringData Create(int count)
    {
        var tables = new Generator().Tables(count).ToList();
        var projects = tables.Select((t, i) => RulesProject.Parse(RulesFile.Serialize(t), $"generated/{i}.json")).ToList();
        var rows = new ActualsGenerator { BadShare = ActualsGenerator.BenchBadShare }.Rows(tables, ScoredPeriod).ToList();
        var bad = rows.Where(ActualsGenerator.IsBad).ToList();
        // A file with bad rows is refused whole; scoring runs on the good rows, the bad ones are matched on their own
        // (in slices under the reader's 1 000-errors-per-file cap) to check each is reported.
        var badErrors = bad.Chunk(InputLimits.MaxErrors - 1).Sum(slice => ActualsSet.Match(slice, projects, ScoredPeriod, "bad.csv").Errors.Count);
        if (badErrors != bad.Count)
            throw new InvalidOperationException($"{bad.Count} bad rows generated, {badErrors} errors reported");
        var actuals = ActualsSet.Match(rows.Where(r => !ActualsGenerator.IsBad(r)), projects, ScoredPeriod, "generated.csv");
        if (actuals.Errors.Count > 0)
            throw new InvalidOperationException("generated actuals have errors: " + string.Join(Environment.NewLine, actuals.Errors.Take(10)));

        var evaluator = new Evaluator(ScoringScheme.Default);
        var inputs = new ActualInput[count][];
        var contexts = new RuleContext[count];
        var counted = new bool[count][];
        var placeholder = new ActualInput();
        var generated = rows.Count;
        var missing = 0;
        for (var p = 0; p < count; p++)
        {
            var project = projects[p];
            var reported = actuals.For(project);
            var indicators = project.Table.Indicators;
            var weights = evaluator.Weights(project.Table);
            var budget = (double)project.Project.Funds.AnnualBudget;
            inputs[p] = new ActualInput[indicators.Count];
            counted[p] = new bool[indicators.Count];
            var points = new double[indicators.Count];
            for (var i = 0; i < indicators.Count; i++)
            {
                var indicator = indicators[i];
                ActualInput? input;
                if (indicator.Name == IndicatorTree.BudgetExecutionRate)
                    input = reported.Spent is { } spent ? new ActualInput { Value = (budget > 0 ? Math.Max(spent, 0) / budget : 0) * 100, Unit = "%" } : null;
                else
                    input = reported.Indicators.GetValueOrDefault(indicator.Path)?.Input;
                inputs[p][i] = input ?? placeholder;
                if (input is null)
                    missing++;
                counted[p][i] = input is not null && weights[indicator.Path] > 0;
                points[i] = weights[indicator.Path] > 0 ? weights[indicator.Path] : 1.0;
            }
            contexts[p] = new RuleContext { Points = points, TimeProgress = Evaluator.TimeProgress(Evaluator.DefaultAsOf(project.Project.Year, ScoredPeriod)) };
        }
        return new ScoringData
        {
            Projects = projects, Actuals = actuals, Inputs = inputs, Contexts = contexts, Counted = counted,
            RowCounts = (generated, bad.Count, badErrors, missing),
        };
    }

    public List<Workflow> Workflows() => Projects.Select(p => p.WorkflowFor(ScoredPeriod)!).ToList();
}

/// <summary>
/// The naive use of RulesEngine, for comparison: each project's own workflow with its numbers written into the
/// expressions (<c>actuals[3].Value &gt;= 1800.0</c>, points as literals), no local params, engine defaults.
/// </summary>
/// <remarks>
/// Made from the project's generated rules by inlining their local params textually, so it computes the same scores
/// (the bench checks the totals agree) while looking like rules written by hand per project.
/// </remarks>
public static partial class NaiveRules
{
    public static Workflow Workflow(Workflow source, double[] points)
    {
        var rules = source.Rules.Select((rule, index) =>
        {
            var locals = new List<(string Name, string Value)>();
            foreach (var local in rule.LocalParams ?? [])
            {
                // Points are what the scheme gives the rule: a naive rule writes the number in.
                var value = local.Name == "points" ? Literal(points[index]) : Inline(local.Expression, locals);
                locals.Add((local.Name, value));
            }
            return new Rule
            {
                RuleName = rule.RuleName,
                Expression = Inline(rule.Expression, locals),
                Actions = new RuleActions
                {
                    OnSuccess = Output(Inline(ActionText(rule.Actions.OnSuccess), locals)),
                    OnFailure = Output(Inline(ActionText(rule.Actions.OnFailure), locals)),
                },
            };
        }).ToList();
        return new Workflow { WorkflowName = source.WorkflowName, Rules = rules };
    }

    private static string Inline(string text, List<(string Name, string Value)> locals)
    {
        foreach (var (name, value) in locals)
            text = Regex.Replace(text, $@"(?<![\w.""]){Regex.Escape(name)}\b", IsSimple(value) ? value : $"({value})");
        return text;
    }

    private static bool IsSimple(string value) => SimpleValue().IsMatch(value);

    [GeneratedRegex(@"^[\w.\[\]]+$")]
    private static partial Regex SimpleValue();

    private static string Literal(double value) => RuleGenerator.Number(value);

    private static string ActionText(ActionInfo action) => action.Context["Expression"] switch
    {
        string s => s,
        JsonElement e => e.GetString()!,
        var other => Convert.ToString(other, CultureInfo.InvariantCulture)!,
    };

    private static ActionInfo Output(string expression) =>
        new() { Name = "OutputExpression", Context = new Dictionary<string, object> { ["Expression"] = expression } };
}

/// <summary>
/// The floor: each rule as a hand-written C# delegate chosen by the rule's declared form and direction, its target
/// and points precomputed. No engine, no outcome objects, no explanations: what scoring costs at the very least.
/// </summary>
public static class FloorRules
{
    public delegate double Score(ActualInput actual, double target, double points, RuleContext context);

    public readonly record struct Rule(Score Score, double Target, double Points);

    private static readonly Score Positive = (a, t, p, _) => a.Value >= t ? p : t > 0 ? p * Math.Min(Math.Max(a.Value, 0.0) / t, 1.0) : 0.0;
    private static readonly Score PositiveStrict = (a, t, p, _) => a.Value > t ? p : t > 0 ? p * Math.Min(Math.Max(a.Value, 0.0) / t, 1.0) : 0.0;
    private static readonly Score TimeProgress = (a, _, p, c) => Positive(a, c.TimeProgress * 100.0, p, c);
    private static readonly Score Negative = (a, t, p, c) => a.Value <= t ? p
        : a.Value > 0 ? p * (c.LinearNegativeMiss ? Math.Max(1.0 - (a.Value - t) / t, 0.0) : Math.Min(t / a.Value, 1.0)) : 0.0;
    private static readonly Score NegativeStrict = (a, t, p, c) => a.Value < t ? p
        : a.Value > 0 ? p * (c.LinearNegativeMiss ? Math.Max(1.0 - (a.Value - t) / t, 0.0) : Math.Min(t / a.Value, 1.0)) : 0.0;
    private static readonly Score Qualitative = (a, _, p, _) => a.Band == RuleNames.Met
        ? p * (a.HasPercent ? a.Percent / 100.0 : 1.0)
        : p * (a.HasPercent ? a.Percent / 100.0 : a.Band == RuleNames.PartlyMet ? 0.7 : 0.3);

    public static Rule[] For(RulesProject project, double[] points)
    {
        var indicators = project.Table.Indicators;
        var rules = new Rule[indicators.Count];
        for (var i = 0; i < indicators.Count; i++)
        {
            var target = indicators[i].TargetFor(ScoringData.ScoredPeriod);
            var value = (double)(target.Value ?? 0);
            var strict = target.Comparison is ">" or "<";
            var score = target.Direction switch
            {
                Direction.Qualitative => Qualitative,
                _ when target.Form == TargetForm.TimeProgress => TimeProgress,
                Direction.Negative => strict ? NegativeStrict : Negative,
                Direction.Equal when value == 0 => Negative,
                _ => strict ? PositiveStrict : Positive,
            };
            rules[i] = new Rule(score, value, points[i]);
        }
        return rules;
    }
}
