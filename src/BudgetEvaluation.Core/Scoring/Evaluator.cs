using System.Globalization;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Scoring;

/// <summary>
/// Scores projects through the rules: every met/not-met decision, score and completion comes from the rules'
/// expressions and actions; this class only assigns points (the scheme), gathers and explains.
/// </summary>
/// <remarks>
/// The rules run as compiled delegates by default (<see cref="EvaluationEngine.Compiled"/>, the same texts parsed by
/// RulesEngine's parser); <see cref="EvaluationEngine.RulesEngine"/> runs them through Microsoft RulesEngine workflows,
/// the reference that CompiledRulesTests holds the compiled path to (identical Met and Output on the seed, on generated
/// projects and on the golden fixtures).
/// </remarks>
public sealed class Evaluator(ScoringScheme scheme, EvaluationEngine engine = EvaluationEngine.Compiled)
{
    public ScoringScheme Scheme { get; } = scheme;

    public EvaluationEngine Engine { get; } = engine;

    /// <summary>Projects scored at once on the compiled path (results keep the projects' order); 1 = one at a time.</summary>
    /// <remarks>The RulesEngine path stays sequential: it is the reference, not the fast path.</remarks>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>序时进度 at a date: elapsed months with the current month pro rata (30 June = 50%, 31 December = 100%).</summary>
    /// <remarks>Budget execution is planned and reported by month, so the month, not the day of the year, is the unit.</remarks>
    public static double TimeProgress(DateOnly asOf) =>
        (asOf.Month - 1 + (double)asOf.Day / DateTime.DaysInMonth(asOf.Year, asOf.Month)) / 12.0;

    /// <summary>The default review date: 30 June for mid-year, 31 December for year-end, of the rules' year.</summary>
    public static DateOnly DefaultAsOf(int year, Period period) =>
        period == Period.MidYear ? new DateOnly(year, 6, 30) : new DateOnly(year, 12, 31);

    public Task<List<ProjectEvaluation>> EvaluateAsync(IReadOnlyList<RulesProject> projects, ActualsSet actuals, Period period, DateOnly? asOf = null)
    {
        var rules = RuleRunners.For(Engine, projects, period, p => p.WorkflowFor(period) ?? throw new FormatException($"规则文件“{p.Source}”缺少 {p.WorkflowName(period)} 工作流"));
        var results = new ProjectEvaluation[projects.Count];
        if (Engine == EvaluationEngine.Compiled && MaxParallelism > 1 && projects.Count > 1)
        {
            // Each project is independent; a slot per project keeps the output in the projects' order. Each worker
            // keeps its own scratch arrays from project to project.
            Parallel.For(0, projects.Count, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelism }, () => new Scratch(),
                (i, _, scratch) =>
                {
                    results[i] = EvaluateOne(rules, projects[i], actuals, period, asOf, scratch);
                    return scratch;
                },
                static _ => { });
        }
        else
        {
            var scratch = new Scratch();
            for (var i = 0; i < projects.Count; i++)
                results[i] = EvaluateOne(rules, projects[i], actuals, period, asOf, scratch);
        }
        return Task.FromResult(results.ToList());
    }

    private ProjectEvaluation EvaluateOne(IRuleRunner rules, RulesProject project, ActualsSet actuals, Period period, DateOnly? asOf, Scratch scratch)
    {
        var date = asOf ?? DefaultAsOf(project.Project.Year, period);
        return period == Period.YearEnd
            ? YearEnd(rules, project, actuals.For(project), date, scratch)
            : MidYear(rules, project, actuals.For(project), date, scratch);
    }

    private ProjectEvaluation YearEnd(IRuleRunner rules, RulesProject project, ProjectActuals actuals, DateOnly asOf, Scratch scratch)
    {
        var table = project.Table;
        var funds = table.Project.Funds;
        var all = table.Indicators;
        scratch.Prepare(all.Count, Scheme.CategoryPoints.Count);
        var rulePlan = Plan(rules, project, Period.YearEnd, scratch);
        var paths = scratch.Paths;
        var weights = scratch.Weights;
        WeightsByPosition(all, weights, scratch);
        var annualBudget = (double)funds.AnnualBudget;
        var rate = ExecutionRate(actuals.Spent, annualBudget);
        var reportedAll = Reported(all, paths, actuals, rate, scratch);
        var outcomes = Run(rules, rulePlan, scratch, all.Count, TimeProgress(asOf), Scheme.LinearNegativeMiss, weights);

        var indicators = new List<IndicatorResult>(all.Count);
        var missing = new List<string>();
        FundsResult? fundsResult = null;
        for (var i = 0; i < all.Count; i++)
        {
            var indicator = all[i];
            var target = indicator.YearEndTarget;
            var isFundsRule = IsBudgetExecution(indicator) && Scheme.BudgetExecutionPoints is not null;
            var weight = weights[i];
            var reported = reportedAll[i];
            if (reported is null)
            {
                missing.Add(paths[i]);
                indicators.Add(Missing(indicator, target, isFundsRule ? 0 : weight));
                if (isFundsRule)
                    fundsResult = FundsPart(funds, annualBudget, actuals.Spent, rate, weight, 0, "未填报执行数，预算执行率得 0 分");
                continue;
            }
            var rulePoints = weight > 0 ? weight : 1.0;
            var outcome = outcomes[i];
            var score = weight > 0 ? outcome.Output : 0;
            var status = StatusOf(target, reported.Input, outcome);
            IReadOnlyList<string> flags = [];
            if (Achievement(target, reported.Input) is { } achieved && achieved >= Scheme.OverAchievementRatio - 1e-9)
                flags = [$"实际完成值达到目标的 {Percent(achieved)}，超过 {Percent(Scheme.OverAchievementRatio)}：请说明偏差原因（目标是否偏低）"];
            var explanation = ExplainYearEnd(indicator, target, reported, outcome, rulePoints, weight);
            if (isFundsRule)
            {
                fundsResult = FundsPart(funds, annualBudget, actuals.Spent, rate, weight, score, explanation);
                indicators.Add(Row(indicator, target, reported.Text, 0, 0, status, $"{explanation}（计入项目资金部分）", reported, flags));
                continue;
            }
            indicators.Add(Row(indicator, target, reported.Text, weight, score, status, explanation, reported, flags));
        }
        fundsResult ??= FundsPart(funds, annualBudget, actuals.Spent, rate, 0, 0,
            actuals.Spent is null ? "未填报执行数" : $"执行率 {Percent(rate ?? 0)}，本方案在过程指标中计分");
        // Added in list order, as Enumerable.Sum does: the same total to the last bit.
        var sum = 0.0;
        foreach (var row in indicators)
            sum += row.Score;
        var total = fundsResult.Score + sum;
        return new ProjectEvaluation
        {
            Project = table.Project.Name,
            Department = table.Project.Department,
            Year = table.Project.Year,
            Period = Period.YearEnd.Code(),
            ImplementingUnit = table.Project.ImplementingUnit,
            AsOf = scratch.DateText(asOf),
            Scheme = Scheme.Name,
            TotalScore = total,
            Grade = Scheme.GradeFor(total),
            Funds = fundsResult,
            Indicators = indicators,
            Missing = missing,
            AnnualGoal = table.Project.AnnualGoal,
        };
    }

    private ProjectEvaluation MidYear(IRuleRunner rules, RulesProject project, ProjectActuals actuals, DateOnly asOf, Scratch scratch)
    {
        var table = project.Table;
        var funds = table.Project.Funds;
        var all = table.Indicators;
        scratch.Prepare(all.Count, Scheme.CategoryPoints.Count);
        var rulePlan = Plan(rules, project, Period.MidYear, scratch);
        var paths = scratch.Paths;
        var thresholds = Scheme.MidYear;
        var progress = TimeProgress(asOf);
        var annualBudget = (double)funds.AnnualBudget;
        var rate = ExecutionRate(actuals.Spent, annualBudget);
        var reportedAll = Reported(all, paths, actuals, rate, scratch);
        var outcomes = Run(rules, rulePlan, scratch, all.Count, progress, linearNegativeMiss: false, weights: null);
        var plannedRate = funds.MidYearPlannedSpend is { } plan && annualBudget > 0 ? (double)plan / annualBudget : (double?)null;
        var (spendingWarning, spendingExplanation) = SpendingWarning(rate, plannedRate, progress, actuals.Spent is not null);

        var indicators = new List<IndicatorResult>(all.Count);
        var missing = new List<string>();
        var projectWarning = spendingWarning;
        for (var i = 0; i < all.Count; i++)
        {
            var indicator = all[i];
            var target = indicator.MidYearTarget;
            var reported = reportedAll[i];
            if (reported is null)
            {
                missing.Add(paths[i]);
                indicators.Add(Missing(indicator, target, 0, Warnings.Red, indicator.YearEndTarget.Text));
                projectWarning = Warnings.Red;
                continue;
            }
            var outcome = outcomes[i];
            var completion = outcome.Output;
            string warning;
            if (IsBudgetExecution(indicator))
                warning = spendingWarning;
            else if (target.Direction == Direction.Qualitative)
                warning = reported.Input.Band switch { RuleNames.Met => Warnings.Green, RuleNames.PartlyMet => Warnings.Yellow, _ => Warnings.Red };
            else
                warning = completion >= thresholds.GreenCompletion - 1e-9 ? Warnings.Green : completion >= thresholds.YellowCompletion - 1e-9 ? Warnings.Yellow : Warnings.Red;
            if (reported.Likelihood == "完全不可能")
                warning = Warnings.Red;
            projectWarning = Warnings.Worst(projectWarning, warning);

            IReadOnlyList<string> flags = [];
            if (Achievement(target, reported.Input) is { } achieved && achieved >= thresholds.OverrunRatio - 1e-9)
                flags = [$"半年实际完成值达到半年目标的 {Percent(achieved)}，超过 {Percent(thresholds.OverrunRatio)}：半年目标是否偏低？"];
            var forecast = Forecast(indicator, reported.Input, progress);
            var status = StatusOf(target, reported.Input, outcome);
            var explanation = ExplainMidYear(indicator, target, reported, completion, warning, forecast, progress);
            indicators.Add(Row(indicator, target, reported.Text, 0, 0, status, explanation, reported, flags,
                warning, completion, forecast, indicator.YearEndTarget.Text));
        }
        return new ProjectEvaluation
        {
            Project = table.Project.Name,
            Department = table.Project.Department,
            Year = table.Project.Year,
            Period = Period.MidYear.Code(),
            ImplementingUnit = table.Project.ImplementingUnit,
            AsOf = scratch.DateText(asOf),
            Scheme = Scheme.Name,
            Warning = projectWarning,
            Funds = new FundsResult
            {
                AnnualBudget = annualBudget,
                Total = (double?)funds.Total,
                FiscalAppropriation = (double?)funds.FiscalAppropriation,
                CarriedOver = (double?)funds.CarriedOver,
                Other = (double?)funds.Other,
                Spent = actuals.Spent,
                ExecutionRate = rate,
                PlannedRate = plannedRate,
                MidYearPlannedSpend = (double?)funds.MidYearPlannedSpend,
                Warning = spendingWarning,
                Explanation = spendingExplanation,
            },
            Indicators = indicators,
            Missing = missing,
            AnnualGoal = table.Project.AnnualGoal,
        };
    }

    /// <summary>
    /// Points per indicator: the scheme's category points shared equally among the category's indicators,
    /// after explicit rule weights; a category without indicators gives its points to the other scored
    /// categories in proportion to their points (DOMAIN §4).
    /// </summary>
    /// <remarks>
    /// Explicit weights are kept as written when they fit in the category and leave indicators to share the rest.
    /// When they cannot (every indicator weighted, or their sum over the category's points) they are scaled in
    /// proportion to fill the category exactly, so a project's points always sum to 100 whatever the scheme.
    /// </remarks>
    public Dictionary<string, double> Weights(TargetTable table)
    {
        var all = table.Indicators;
        var scratch = new Scratch();
        scratch.Prepare(all.Count, Scheme.CategoryPoints.Count);
        WeightsByPosition(all, scratch.Weights, scratch);
        var weights = new Dictionary<string, double>(all.Count, StringComparer.Ordinal);
        for (var i = 0; i < all.Count; i++)
            weights.Add(all[i].Path, scratch.Weights[i]);
        return weights;
    }

    /// <summary><see cref="Weights"/> by indicator position, into the scratch arrays: scoring calls it for every project.</summary>
    /// <remarks>Sums run in the order the dictionary version ran them (scheme order, then first appearance), so every weight is the same to the last bit.</remarks>
    private void WeightsByPosition(IReadOnlyList<Indicator> all, double[] weights, Scratch scratch)
    {
        Array.Clear(weights, 0, all.Count);
        var fundsIndex = -1;
        if (Scheme.BudgetExecutionPoints is not null)
        {
            for (var i = 0; i < all.Count && fundsIndex < 0; i++)
            {
                if (IsBudgetExecution(all[i]))
                    fundsIndex = i;
            }
        }
        // Scored categories in order of first appearance (at most the scheme's), and each indicator's by that order
        // (-1: not scored by category). Names are compared before the scheme is asked: a project repeats few categories.
        var categories = scratch.Categories;
        var categoryPoints = scratch.CategoryPoints;
        var categoryOf = scratch.CategoryOf;
        var found = 0;
        for (var i = 0; i < all.Count; i++)
        {
            categoryOf[i] = -1;
            if (i == fundsIndex)
                continue;
            var category = all[i].Category;
            var c = 0;
            while (c < found && categories[c] != category)
                c++;
            if (c == found)
            {
                if (!Scheme.CategoryPoints.TryGetValue(category, out var points))
                    continue;
                categories[c] = category;
                categoryPoints[c] = points;
                found++;
            }
            categoryOf[i] = c;
        }
        var spare = 0.0;
        foreach (var (category, points) in Scheme.CategoryPoints)
        {
            if (Array.IndexOf(categories, category, 0, found) < 0)
                spare += points;
        }
        if (Scheme.BudgetExecutionPoints is { } fundsPoints)
        {
            if (fundsIndex >= 0)
                weights[fundsIndex] = fundsPoints;
            else
                spare += fundsPoints;
        }
        var scoredPoints = 0.0;
        for (var c = 0; c < found; c++)
            scoredPoints += categoryPoints[c];
        for (var c = 0; c < found; c++)
        {
            var points = categoryPoints[c];
            if (scoredPoints > 0)
                points += spare * categoryPoints[c] / scoredPoints;
            var members = 0;
            var restCount = 0;
            var explicitSum = 0.0;
            for (var m = 0; m < all.Count; m++)
            {
                if (categoryOf[m] != c)
                    continue;
                members++;
                if (all[m].Weight is null)
                    restCount++;
                explicitSum += Math.Max((double)(all[m].Weight ?? 0), 0);
            }
            // Every weight 0: share equally rather than let the category's points vanish.
            var everyoneShares = restCount == 0 && explicitSum <= 0;
            if (everyoneShares)
                restCount = members;
            var fits = restCount > 0 && explicitSum <= points + 1e-9;
            for (var m = 0; m < all.Count; m++)
            {
                if (categoryOf[m] != c)
                    continue;
                if (!everyoneShares && all[m].Weight is { } weight)
                    weights[m] = Math.Max((double)weight, 0) * (fits ? 1.0 : points / explicitSum);
                else
                    weights[m] = fits ? (points - explicitSum) / restCount : 0;
            }
        }
    }

    private static FundsResult FundsPart(Funds funds, double annualBudget, double? spent, double? rate, double weight, double score, string explanation) => new()
    {
        AnnualBudget = annualBudget,
        Total = (double?)funds.Total,
        FiscalAppropriation = (double?)funds.FiscalAppropriation,
        CarriedOver = (double?)funds.CarriedOver,
        Other = (double?)funds.Other,
        Spent = spent,
        ExecutionRate = rate,
        Weight = weight,
        Score = score,
        Explanation = explanation,
    };

    /// <summary>met / partly / missed: the rule decides "met"; a qualitative miss takes its band, so 未达成 stays missed even with points.</summary>
    /// <remarks>未达成 scores up to 60% of the points (30% by default), so "points above 0" cannot tell 部分达成 from 未达成.</remarks>
    private static string StatusOf(Target target, ActualInput input, Outcome outcome)
    {
        if (outcome.Met)
            return Statuses.Met;
        if (target.Direction == Direction.Qualitative)
            return input.Band == RuleNames.PartlyMet ? Statuses.Partly : Statuses.Missed;
        return outcome.Output > 0 ? Statuses.Partly : Statuses.Missed;
    }

    /// <summary>Actual ÷ target of a positive (or "reach") target above 0, for the over-achievement and over-run flags.</summary>
    /// <remarks>Callers compare it with a small tolerance: 13 ÷ 10 against 1.3 must flag although binary floating point may land just below.</remarks>
    private static double? Achievement(Target target, ActualInput actual) =>
        target.Direction is Direction.Positive or Direction.Equal && target.Value is { } value && value > 0
            ? actual.Value / (double)value
            : null;

    private static bool IsBudgetExecution(Indicator indicator) => indicator.Name == IndicatorTree.BudgetExecutionRate;

    private static double? ExecutionRate(double? spent, double annualBudget) =>
        spent is null ? null : annualBudget > 0 ? Math.Max(spent.Value, 0) / annualBudget : 0;

    /// <summary>Every indicator's actual (null when not reported), by position, into the scratch array.</summary>
    private static ReportedActual?[] Reported(IReadOnlyList<Indicator> indicators, string[] paths, ProjectActuals actuals, double? rate, Scratch scratch)
    {
        var reported = scratch.Reported;
        for (var i = 0; i < indicators.Count; i++)
            reported[i] = Actual(indicators[i], paths[i], actuals, rate);
        return reported;
    }

    /// <summary>The actual of an indicator; 预算执行率 is computed from the spending row, not reported.</summary>
    private static ReportedActual? Actual(Indicator indicator, string path, ProjectActuals actuals, double? rate)
    {
        if (IsBudgetExecution(indicator) && rate is not null)
        {
            // The explanation comes from the row, written with a value or (as the template asks) without one.
            var written = actuals.Indicators.TryGetValue(path, out var reported)
                ? new IndicatorNote(reported.Deviation, reported.DeviationType, reported.Likelihood, reported.Line)
                : actuals.Notes.GetValueOrDefault(path);
            return new ReportedActual(Percent(rate.Value), new ActualInput { Value = rate.Value * 100, Unit = "%" }, written?.Deviation ?? "", written?.DeviationType ?? "", written?.Likelihood ?? "", written?.Line ?? 0);
        }
        return actuals.Indicators.GetValueOrDefault(path);
    }

    /// <summary>A project's rules for the period, lined up with its indicators.</summary>
    /// <param name="Compiled">The compiled workflow (the hot path), or null to run <paramref name="Workflow"/> through the runner.</param>
    /// <param name="Workflow">The workflow when it runs through the runner (RulesEngine, or a compiled set's fallback).</param>
    /// <param name="Count">The workflow's rules.</param>
    /// <param name="IndicatorOf">Each rule's indicator position (-1: none); null when the rules come in indicator order.</param>
    private readonly record struct RulePlan(CompiledWorkflow? Compiled, Workflow? Workflow, int Count, int[]? IndicatorOf)
    {
        public string Name => Compiled?.Name ?? Workflow!.WorkflowName;

        public int IndicatorAt(int rule) => IndicatorOf is null ? rule : IndicatorOf[rule];
    }

    /// <summary>
    /// Finds the project's workflow for the period and matches its rules to the indicators by name (the indicator's
    /// path), writing each indicator's path into the scratch paths.
    /// </summary>
    /// <remarks>
    /// Generated rules come in indicator order and are named by the indicators' paths: then a rule's position is its
    /// indicator's and its name is the path, so no path is built and nothing is looked up. The compiled workflow is
    /// found by its name written into a stack buffer; fallback workflows run through the runner as before.
    /// </remarks>
    private static RulePlan Plan(IRuleRunner rules, RulesProject project, Period period, Scratch scratch)
    {
        var all = project.Table.Indicators;
        var compiled = rules is CompiledRules set ? CompiledWorkflowOf(set, project, period) : null;
        var workflow = compiled is null ? project.WorkflowFor(period)! : null;
        var ruleNames = workflow?.Rules.Select(r => r.RuleName).ToArray();
        var count = compiled?.Count ?? ruleNames!.Length;
        var paths = scratch.Paths;
        var aligned = count == all.Count;
        for (var r = 0; r < count && aligned; r++)
        {
            var name = compiled is not null ? compiled.RuleName(r) : ruleNames![r];
            aligned = IsPath(name, all[r]);
            paths[r] = name;
        }
        if (aligned)
            return new RulePlan(compiled, workflow, count, null);

        var byPath = new Dictionary<string, int>(all.Count, StringComparer.Ordinal);
        for (var i = 0; i < all.Count; i++)
        {
            paths[i] = all[i].Path;
            byPath.Add(paths[i], i);
        }
        var indicatorOf = new int[count];
        for (var r = 0; r < count; r++)
            indicatorOf[r] = byPath.TryGetValue(compiled is not null ? compiled.RuleName(r) : ruleNames![r], out var i) ? i : -1;
        return new RulePlan(compiled, workflow, count, indicatorOf);
    }

    private static CompiledWorkflow? CompiledWorkflowOf(CompiledRules rules, RulesProject project, Period period)
    {
        var p = project.Project;
        Span<char> name = stackalloc char[256];
        return RuleNames.TryWriteWorkflow(name, p.Year, p.Department, p.Name, period, out var length)
            ? rules.Workflow(name[..length])
            : rules.Workflow(project.WorkflowName(period));
    }

    /// <summary>Whether a rule name is the indicator's path (<see cref="Indicator.Path"/>), without building the path.</summary>
    private static bool IsPath(string? name, Indicator indicator)
    {
        var (category, subcategory, indicatorName) = (indicator.Category, indicator.Subcategory, indicator.Name);
        if (name is null || name.Length != category.Length + subcategory.Length + indicatorName.Length + 2)
            return false;
        var rest = name.AsSpan();
        if (!rest.StartsWith(category, StringComparison.Ordinal) || rest[category.Length] != '/')
            return false;
        rest = rest[(category.Length + 1)..];
        return rest.StartsWith(subcategory, StringComparison.Ordinal) && rest[subcategory.Length] == '/'
            && rest[(subcategory.Length + 1)..].SequenceEqual(indicatorName);
    }

    /// <summary>What the evaluator reads of a rule's outcome.</summary>
    private readonly record struct Outcome(bool Met, double Output);

    /// <summary>
    /// Runs the project's workflow once; outcomes by indicator position (missing actuals run on a placeholder and are
    /// ignored). <paramref name="weights"/> null: mid-year, the rules get no points.
    /// </summary>
    private static Outcome[] Run(IRuleRunner rules, RulePlan plan, Scratch scratch, int indicators, double timeProgress, bool linearNegativeMiss, double[]? weights)
    {
        var inputs = scratch.Inputs(plan.Count);
        var points = weights is null ? [] : scratch.Points(plan.Count);
        var reported = scratch.Reported;
        for (var r = 0; r < plan.Count; r++)
        {
            var i = plan.IndicatorAt(r);
            inputs[r] = i >= 0 ? reported[i]?.Input ?? Placeholder : Placeholder;
            // Zero-point rows (决策/过程 in the default scheme) run with 1 point to learn their met / not-met status.
            if (weights is not null)
                points[r] = i < 0 ? 0 : weights[i] > 0 ? weights[i] : 1.0;
        }
        var context = new RuleContext { Points = points, TimeProgress = timeProgress, LinearNegativeMiss = linearNegativeMiss };
        var outcomes = scratch.Outcomes;
        var found = scratch.Found;
        Array.Clear(found, 0, indicators);
        if (plan.Compiled is { } compiled)
        {
            // The hot path: values into a reused buffer; a RuleOutcome (with its reason) only for a rule that failed.
            var values = scratch.Values(plan.Count);
            compiled.Evaluate(inputs, context, values);
            for (var r = 0; r < plan.Count; r++)
            {
                var value = values[r];
                var outcome = value.Error is null && double.IsFinite(value.Output)
                    ? new Outcome(value.Met, value.Output)
                    : Checked(plan.Name, CompiledWorkflow.Outcome(compiled.RuleName(r), value), inputs[r]);
                Set(outcomes, found, plan.IndicatorAt(r), outcome);
            }
        }
        else
        {
            // Both runners complete synchronously (RulesEngine's OutputExpression actions do not await anything).
            var pending = rules.RunAsync(plan.Name, inputs, context);
            var results = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            for (var r = 0; r < results.Length; r++)
                Set(outcomes, found, plan.IndicatorAt(r), Checked(plan.Name, results[r], inputs[r]));
        }
        for (var i = 0; i < indicators; i++)
        {
            if (!found[i])
                throw new InvalidOperationException($"工作流“{plan.Name}”缺少指标“{scratch.Paths[i]}”的规则");
        }
        return outcomes;
    }

    private static Outcome Checked(string workflowName, RuleOutcome outcome, ActualInput input)
    {
        if (outcome.Error is { } error && !ReferenceEquals(input, Placeholder))
            throw new InvalidOperationException($"规则“{workflowName}”/“{outcome.Rule}”执行出错：{error}");
        return new Outcome(outcome.Met, outcome.Output);
    }

    /// <summary>A rule name given twice: the later rule's outcome counts.</summary>
    private static void Set(Outcome[] outcomes, bool[] found, int indicator, Outcome outcome)
    {
        if (indicator < 0)
            return;
        outcomes[indicator] = outcome;
        found[indicator] = true;
    }

    private static readonly ActualInput Placeholder = new();

    private (string Warning, string Explanation) SpendingWarning(double? rate, double? plannedRate, double progress, bool reported)
    {
        var t = Scheme.MidYear;
        if (!reported || rate is null)
            return (Warnings.Red, "未填报执行数");
        if (t.SpendingBasis == SpendingBasis.TimeProgress)
        {
            var ratio = progress > 0 ? rate.Value / progress : 1;
            var w = ratio >= t.SpendingGreenRatio - 1e-9 ? Warnings.Green : ratio >= t.SpendingYellowRatio - 1e-9 ? Warnings.Yellow : Warnings.Red;
            return (w, $"执行率 {Percent(rate.Value)} ÷ 序时进度 {Percent(progress)} = {Percent(ratio)}（≥{Percent(t.SpendingGreenRatio)} 绿，≥{Percent(t.SpendingYellowRatio)} 黄，其余红）：{Warnings.Chinese(w)}");
        }
        var plan = plannedRate ?? progress;
        var gap = (plan - rate.Value) * 100;
        var warning = gap <= 1e-9 ? Warnings.Green : gap <= t.SpendingYellowPoints + 1e-9 ? Warnings.Yellow : Warnings.Red;
        var basis = plannedRate is null ? "序时进度" : "计划执行率（半年计划执行数 ÷ 全年预算数）";
        return (warning, $"执行率 {Percent(rate.Value)}，{basis} {Percent(plan)}，{(gap <= 0 ? "不低于计划" : $"低于计划 {gap.ToString("0.##", CultureInfo.InvariantCulture)} 个百分点")}：{Warnings.Chinese(warning)}");
    }

    /// <summary>Linear full-year forecast for cumulative counts: actual ÷ 序时进度. Rates, times and qualitative targets get none.</summary>
    /// <remarks>
    /// A quantity is cumulative when its half-year target is below the full-year one (≥900个 of ≥1800个). One whose
    /// half-year target equals the full-year one is a level, not a running total (an area of =2517.03平方米, a
    /// contract amount of ≥5万元): doubling it at mid-year would forecast nonsense, so it gets none.
    /// </remarks>
    private static double? Forecast(Indicator indicator, ActualInput actual, double progress)
    {
        var full = indicator.YearEndTarget;
        var half = indicator.MidYearTarget;
        if (progress <= 0 || full.Direction is not (Direction.Positive or Direction.Equal) || !full.IsQuantitative || full.IsPercent || full.Form == TargetForm.TimeProgress)
            return null;
        if (half.Value is not { } halfValue || full.Value is not { } fullValue || halfValue >= fullValue)
            return null;
        return actual.Value / progress;
    }

    private static IndicatorResult Missing(Indicator indicator, Target target, double weight, string? warning = null, string? yearEndTarget = null) => new()
    {
        Category = indicator.Category,
        Subcategory = indicator.Subcategory,
        Indicator = indicator.Name,
        Target = target.Text,
        Actual = null,
        Weight = weight,
        Score = 0,
        Status = Statuses.Missing,
        Explanation = "未填报实际完成值，得 0 分",
        Warning = warning,
        YearEndTarget = yearEndTarget,
    };

    /// <remarks>The mid-year fields are set here too: one record per row, not a year-end row copied by <c>with</c>.</remarks>
    private static IndicatorResult Row(
        Indicator indicator, Target target, string? actual, double weight, double score, string status, string explanation, ReportedActual reported, IReadOnlyList<string> flags,
        string? warning = null, double? completion = null, double? forecast = null, string? yearEndTarget = null) => new()
    {
        Category = indicator.Category,
        Subcategory = indicator.Subcategory,
        Indicator = indicator.Name,
        Target = target.Text,
        Actual = actual,
        Weight = weight,
        Score = score,
        Status = status,
        Explanation = explanation,
        Deviation = reported.Deviation.Length > 0 ? reported.Deviation : null,
        DeviationType = reported.DeviationType.Length > 0 ? reported.DeviationType : null,
        Likelihood = reported.Likelihood.Length > 0 ? reported.Likelihood : null,
        Flags = flags,
        Warning = warning,
        Completion = completion,
        Forecast = forecast,
        YearEndTarget = yearEndTarget,
    };

    /// <remarks>
    /// Runs for every indicator: written in one go from the numbers' cached texts into a reused buffer, and shared with
    /// earlier rows that read the same (<see cref="SharedTexts"/>).
    /// </remarks>
    private static string ExplainYearEnd(Indicator indicator, Target target, ReportedActual reported, Outcome outcome, double points, double weight)
    {
        var buffer = SharedTexts.Buffer();
        int written;
        while (!TryExplainYearEnd(buffer, indicator, target, reported, outcome, points, weight, out written))
            buffer = SharedTexts.Grow();
        return SharedTexts.Get(buffer.AsSpan(0, written));
    }

    private static bool TryExplainYearEnd(Span<char> text, Indicator indicator, Target target, ReportedActual reported, Outcome outcome, double points, double weight, out int written)
    {
        var a = reported.Input;
        const string NotScoredMet = "达成（本方案不计分）";
        const string NotScoredMissed = "未达成（本方案不计分）";
        if (target.Direction == Direction.Qualitative)
        {
            var share = weight > 0 ? outcome.Output / points : outcome.Output;
            return weight > 0
                ? text.TryWrite(CultureInfo.InvariantCulture, $"定性指标，目标“{target.Text}”，实际“{reported.Text}”：{a.Band}，按 {Percent(share)} 计分，得 {Number(outcome.Output)} 分（分值 {Number(weight)}）", out written)
                : text.TryWrite(CultureInfo.InvariantCulture, $"定性指标，目标“{target.Text}”，实际“{reported.Text}”：{a.Band}，按 {Percent(share)} 计分，{(outcome.Met ? NotScoredMet : NotScoredMissed)}", out written);
        }
        var actual = Number(a.Value);
        var unit = target.IsPercent ? "%" : a.Unit;
        if (outcome.Met)
        {
            return weight > 0
                ? text.TryWrite(CultureInfo.InvariantCulture, $"实际 {actual}{unit}，目标 {target.Text}：达成，得 {Number(outcome.Output)} 分（分值 {Number(weight)}）", out written)
                : text.TryWrite(CultureInfo.InvariantCulture, $"实际 {actual}{unit}，目标 {target.Text}：达成，{NotScoredMet}", out written);
        }
        var timeProgress = target.Form == TargetForm.TimeProgress;
        var tv = timeProgress ? "序时进度" : Number((double)(target.Value ?? 0));
        if (weight <= 0)
            return text.TryWrite(CultureInfo.InvariantCulture, $"实际 {actual}{unit}，目标 {tv}{(timeProgress ? "" : target.Unit)}：{(outcome.Output > 0 ? "部分达成" : "未达成")}（本方案不计分）", out written);
        var w = Number(weight);
        var av = Number(Math.Max(a.Value, 0));
        var score = Number(outcome.Output);
        if (indicator.Tolerance is not null)
            return text.TryWrite(CultureInfo.InvariantCulture, $"实际 {actual}{unit}，目标 {target.Text}：未达成，分值 × min(实际 ÷ 目标, 目标 ÷ 实际) = {w} × min({av} ÷ {tv}, {tv} ÷ {av}) = {score} 分", out written);
        return target.Direction == Direction.Negative
            ? text.TryWrite(CultureInfo.InvariantCulture, $"实际 {actual}{unit}，目标 {target.Text}：未达成，反向指标按 分值 × 目标 ÷ 实际 = {w} × {tv} ÷ {av} = {score} 分", out written)
            : text.TryWrite(CultureInfo.InvariantCulture, $"实际 {actual}{unit}，目标 {target.Text}：未达成，正向指标按 分值 × 实际 ÷ 目标 = {w} × {av} ÷ {tv} = {score} 分", out written);
    }

    private static string ExplainMidYear(Indicator indicator, Target target, ReportedActual reported, double completion, string warning, double? forecast, double progress)
    {
        var buffer = SharedTexts.Buffer();
        int written;
        while (!TryExplainMidYear(buffer, indicator, target, reported, completion, warning, forecast, progress, out written))
            buffer = SharedTexts.Grow();
        return SharedTexts.Get(buffer.AsSpan(0, written));
    }

    private static bool TryExplainMidYear(Span<char> text, Indicator indicator, Target target, ReportedActual reported, double completion, string warning, double? forecast, double progress, out int written)
    {
        if (target.Direction == Direction.Qualitative)
            return text.TryWrite(CultureInfo.InvariantCulture, $"定性指标，半年目标“{target.Text}”，实际“{reported.Text}”：{reported.Input.Band}，{Warnings.Chinese(warning)}", out written);
        // 序时进度 targets are rare: their few words are a string of their own.
        var t = target.Form == TargetForm.TimeProgress ? $"序时进度 {Percent(progress)}" : target.Text;
        return forecast is null
            ? text.TryWrite(CultureInfo.InvariantCulture, $"半年目标 {t}，实际 {reported.Text}，完成 {Percent(completion)}：{Warnings.Chinese(warning)}", out written)
            : text.TryWrite(CultureInfo.InvariantCulture, $"半年目标 {t}，实际 {reported.Text}，完成 {Percent(completion)}：{Warnings.Chinese(warning)}；按时间进度线性预测全年 {Number(forecast.Value)}{indicator.YearEndTarget.Unit}（全年目标 {indicator.YearEndTarget.Text}）", out written);
    }

    private static string Number(double value) => NumberTexts.Number(value);

    private static string Percent(double ratio) => NumberTexts.Percent(ratio);
    /// <summary>
    /// One worker's arrays, reused from project to project: per indicator only the results are allocated. Positions
    /// past the current project's indicators hold leftovers and are never read.
    /// </summary>
    private sealed class Scratch
    {
        public string[] Paths { get; private set; } = [];
        public ReportedActual?[] Reported { get; private set; } = [];
        public double[] Weights { get; private set; } = [];
        public Outcome[] Outcomes { get; private set; } = [];
        public bool[] Found { get; private set; } = [];
        public int[] CategoryOf { get; private set; } = [];
        public string[] Categories { get; private set; } = [];
        public double[] CategoryPoints { get; private set; } = [];

        private RuleValue[] _values = [];
        // The rules see these two (actuals[i], context.Points[i]): each must have exactly one entry per rule, so they are kept by length.
        private ActualInput[]?[] _inputs = [];
        private double[]?[] _points = [];
        private DateOnly _date;
        private string? _dateText;

        public void Prepare(int indicators, int categories)
        {
            if (Paths.Length < indicators)
            {
                var size = Math.Max(indicators, 32);
                Paths = new string[size];
                Reported = new ReportedActual?[size];
                Weights = new double[size];
                Outcomes = new Outcome[size];
                Found = new bool[size];
                CategoryOf = new int[size];
            }
            if (Categories.Length < categories)
            {
                Categories = new string[categories];
                CategoryPoints = new double[categories];
            }
        }

        public Span<RuleValue> Values(int rules)
        {
            if (_values.Length < rules)
                _values = new RuleValue[Math.Max(rules, 32)];
            return _values.AsSpan(0, rules);
        }

        public ActualInput[] Inputs(int rules) => ByLength(ref _inputs, rules);

        public double[] Points(int rules) => ByLength(ref _points, rules);

        /// <summary>The review date as yyyy-MM-dd: one text for every project of a run on that date.</summary>
        public string DateText(DateOnly date)
        {
            if (_dateText is null || date != _date)
            {
                _date = date;
                _dateText = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            return _dateText;
        }

        private static T[] ByLength<T>(ref T[]?[] byLength, int length)
        {
            if (byLength.Length <= length)
                Array.Resize(ref byLength, Math.Max(length + 1, 64));
            return byLength[length] ??= new T[length];
        }
    }
}
