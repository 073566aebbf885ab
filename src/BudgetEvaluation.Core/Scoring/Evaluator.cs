using System.Globalization;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

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
            // Each project is independent; a slot per project keeps the output in the projects' order.
            Parallel.For(0, projects.Count, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelism },
                i => results[i] = EvaluateOne(rules, projects[i], actuals, period, asOf));
        }
        else
        {
            for (var i = 0; i < projects.Count; i++)
                results[i] = EvaluateOne(rules, projects[i], actuals, period, asOf);
        }
        return Task.FromResult(results.ToList());
    }

    private ProjectEvaluation EvaluateOne(IRuleRunner rules, RulesProject project, ActualsSet actuals, Period period, DateOnly? asOf)
    {
        var date = asOf ?? DefaultAsOf(project.Project.Year, period);
        return period == Period.YearEnd
            ? YearEnd(rules, project, actuals.For(project), date)
            : MidYear(rules, project, actuals.For(project), date);
    }

    private ProjectEvaluation YearEnd(IRuleRunner rules, RulesProject project, ProjectActuals actuals, DateOnly asOf)
    {
        var table = project.Table;
        var funds = table.Project.Funds;
        var all = table.Indicators;
        var paths = Paths(all);
        var weights = WeightsByPosition(table, paths);
        var annualBudget = (double)funds.AnnualBudget;
        var rate = ExecutionRate(actuals.Spent, annualBudget);
        var reportedAll = Reported(all, paths, actuals, rate, out var texts);
        // Zero-point rows (决策/过程 in the default scheme) run with 1 point to learn their met / not-met status.
        var context = new RuleContext { TimeProgress = TimeProgress(asOf), LinearNegativeMiss = Scheme.LinearNegativeMiss };
        var points = new double[all.Count];
        for (var i = 0; i < points.Length; i++)
            points[i] = weights[i] > 0 ? weights[i] : 1.0;
        var outcomes = Run(rules, project, Period.YearEnd, paths, reportedAll, context, points);

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
            var actualText = texts[i];
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
                indicators.Add(Row(indicator, target, actualText, 0, 0, status, $"{explanation}（计入项目资金部分）", reported, flags));
                continue;
            }
            indicators.Add(Row(indicator, target, actualText, weight, score, status, explanation, reported, flags));
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
            AsOf = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Scheme = Scheme.Name,
            TotalScore = total,
            Grade = Scheme.GradeFor(total),
            Funds = fundsResult,
            Indicators = indicators,
            Missing = missing,
            AnnualGoal = table.Project.AnnualGoal,
        };
    }

    private ProjectEvaluation MidYear(IRuleRunner rules, RulesProject project, ProjectActuals actuals, DateOnly asOf)
    {
        var table = project.Table;
        var funds = table.Project.Funds;
        var all = table.Indicators;
        var paths = Paths(all);
        var thresholds = Scheme.MidYear;
        var progress = TimeProgress(asOf);
        var annualBudget = (double)funds.AnnualBudget;
        var rate = ExecutionRate(actuals.Spent, annualBudget);
        var reportedAll = Reported(all, paths, actuals, rate, out var texts);
        var outcomes = Run(rules, project, Period.MidYear, paths, reportedAll, new RuleContext { TimeProgress = progress }, null);
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
            var actualText = texts[i];
            if (reported is null)
            {
                missing.Add(paths[i]);
                indicators.Add(Missing(indicator, target, 0) with { Warning = Warnings.Red, YearEndTarget = indicator.YearEndTarget.Text });
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
            indicators.Add(Row(indicator, target, actualText, 0, 0, status, explanation, reported, flags) with
            {
                Warning = warning,
                Completion = completion,
                Forecast = forecast,
                YearEndTarget = indicator.YearEndTarget.Text,
            });
        }
        return new ProjectEvaluation
        {
            Project = table.Project.Name,
            Department = table.Project.Department,
            Year = table.Project.Year,
            Period = Period.MidYear.Code(),
            ImplementingUnit = table.Project.ImplementingUnit,
            AsOf = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
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
        var paths = Paths(table.Indicators);
        var byPosition = WeightsByPosition(table, paths);
        var weights = new Dictionary<string, double>(paths.Length, StringComparer.Ordinal);
        for (var i = 0; i < paths.Length; i++)
            weights.Add(paths[i], byPosition[i]);
        return weights;
    }

    /// <summary><see cref="Weights"/> by indicator position, without LINQ: scoring calls it for every project.</summary>
    /// <remarks>Sums run in the order the dictionary version ran them (scheme order, then first appearance), so every weight is the same to the last bit.</remarks>
    private double[] WeightsByPosition(TargetTable table, string[] paths)
    {
        var all = table.Indicators;
        var weights = new double[all.Count];
        var fundsIndex = -1;
        if (Scheme.BudgetExecutionPoints is not null)
        {
            for (var i = 0; i < all.Count && fundsIndex < 0; i++)
            {
                if (IsBudgetExecution(all[i]))
                    fundsIndex = i;
            }
        }
        // Scored categories in order of first appearance, each with its members' positions.
        var categories = new List<(string Category, double Points, List<int> Members)>(4);
        for (var i = 0; i < all.Count; i++)
        {
            if (i == fundsIndex || !Scheme.CategoryPoints.TryGetValue(all[i].Category, out var categoryPoints))
                continue;
            var found = -1;
            for (var c = 0; c < categories.Count && found < 0; c++)
            {
                if (categories[c].Category == all[i].Category)
                    found = c;
            }
            if (found < 0)
                categories.Add((all[i].Category, categoryPoints, [i]));
            else
                categories[found].Members.Add(i);
        }
        var spare = 0.0;
        foreach (var (category, categoryPoints) in Scheme.CategoryPoints)
        {
            if (!categories.Exists(c => c.Category == category))
                spare += categoryPoints;
        }
        if (Scheme.BudgetExecutionPoints is { } fundsPoints)
        {
            if (fundsIndex >= 0)
                weights[fundsIndex] = fundsPoints;
            else
                spare += fundsPoints;
        }
        var scoredPoints = 0.0;
        foreach (var category in categories)
            scoredPoints += category.Points;
        foreach (var (_, categoryPoints, members) in categories)
        {
            var points = categoryPoints;
            if (scoredPoints > 0)
                points += spare * categoryPoints / scoredPoints;
            var restCount = 0;
            var explicitSum = 0.0;
            foreach (var m in members)
            {
                if (all[m].Weight is null)
                    restCount++;
                explicitSum += Math.Max((double)(all[m].Weight ?? 0), 0);
            }
            // Every weight 0: share equally rather than let the category's points vanish.
            var everyoneShares = restCount == 0 && explicitSum <= 0;
            if (everyoneShares)
                restCount = members.Count;
            var fits = restCount > 0 && explicitSum <= points + 1e-9;
            foreach (var m in members)
            {
                if (!everyoneShares && all[m].Weight is { } weight)
                    weights[m] = Math.Max((double)weight, 0) * (fits ? 1.0 : points / explicitSum);
            }
            foreach (var m in members)
            {
                if (everyoneShares || all[m].Weight is null)
                    weights[m] = fits ? (points - explicitSum) / restCount : 0;
            }
        }
        return weights;
    }

    /// <summary>Each indicator's path, built once per project (<see cref="Indicator.Path"/> builds a new string on every call).</summary>
    private static string[] Paths(IReadOnlyList<Indicator> indicators)
    {
        var paths = new string[indicators.Count];
        for (var i = 0; i < paths.Length; i++)
            paths[i] = indicators[i].Path;
        return paths;
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
    private static string StatusOf(Target target, ActualInput input, RuleOutcome outcome)
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

    /// <summary>Every indicator's actual (null when not reported) and its text as written, by position.</summary>
    private static ReportedActual?[] Reported(IReadOnlyList<Indicator> indicators, string[] paths, ProjectActuals actuals, double? rate, out string?[] texts)
    {
        var reported = new ReportedActual?[indicators.Count];
        texts = new string?[indicators.Count];
        for (var i = 0; i < reported.Length; i++)
            reported[i] = Actual(indicators[i], paths[i], actuals, rate, out texts[i]);
        return reported;
    }

    /// <summary>The actual of an indicator; 预算执行率 is computed from the spending row, not reported.</summary>
    private static ReportedActual? Actual(Indicator indicator, string path, ProjectActuals actuals, double? rate, out string? text)
    {
        if (IsBudgetExecution(indicator) && rate is not null)
        {
            // The explanation comes from the row, written with a value or (as the template asks) without one.
            var written = actuals.Indicators.TryGetValue(path, out var reported)
                ? new IndicatorNote(reported.Deviation, reported.DeviationType, reported.Likelihood, reported.Line)
                : actuals.Notes.GetValueOrDefault(path);
            text = Percent(rate.Value);
            return new ReportedActual(text, new ActualInput { Value = rate.Value * 100, Unit = "%" }, written?.Deviation ?? "", written?.DeviationType ?? "", written?.Likelihood ?? "", written?.Line ?? 0);
        }
        var found = actuals.Indicators.GetValueOrDefault(path);
        text = found?.Text;
        return found;
    }

    /// <summary>
    /// Runs the project's workflow for the period once; outcomes by indicator position (missing actuals run on a
    /// placeholder and are ignored). Rules are matched to indicators by name (the indicator's path).
    /// </summary>
    private static RuleOutcome[] Run(
        IRuleRunner rules, RulesProject project, Period period, string[] paths, ReportedActual?[] reported, RuleContext context, double[]? points)
    {
        var workflow = project.WorkflowFor(period)!;
        var ruleNames = workflow.Rules.Select(r => r.RuleName).ToArray();
        // Generated rules come in indicator order: then a rule's position is its indicator's, without a lookup.
        var indicatorOf = new int[ruleNames.Length];
        var aligned = ruleNames.Length == paths.Length;
        for (var r = 0; r < ruleNames.Length && aligned; r++)
        {
            aligned = string.Equals(ruleNames[r], paths[r], StringComparison.Ordinal);
            indicatorOf[r] = r;
        }
        if (!aligned)
        {
            var byPath = new Dictionary<string, int>(paths.Length, StringComparer.Ordinal);
            for (var i = 0; i < paths.Length; i++)
                byPath.Add(paths[i], i);
            for (var r = 0; r < ruleNames.Length; r++)
                indicatorOf[r] = byPath.TryGetValue(ruleNames[r], out var i) ? i : -1;
        }
        var inputs = new ActualInput[ruleNames.Length];
        var pointsByRule = points is null ? [] : new double[ruleNames.Length];
        for (var r = 0; r < ruleNames.Length; r++)
        {
            var i = indicatorOf[r];
            inputs[r] = i >= 0 ? reported[i]?.Input ?? Placeholder : Placeholder;
            if (points is not null)
                pointsByRule[r] = i >= 0 ? points[i] : 0;
        }
        // Both runners complete synchronously (RulesEngine's OutputExpression actions do not await anything).
        var pending = rules.RunAsync(workflow.WorkflowName, inputs, context with { Points = pointsByRule });
        var outcomes = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        var result = new RuleOutcome?[paths.Length];
        for (var r = 0; r < outcomes.Length; r++)
        {
            if (outcomes[r].Error is { } error && !ReferenceEquals(inputs[r], Placeholder))
                throw new InvalidOperationException($"规则“{workflow.WorkflowName}”/“{outcomes[r].Rule}”执行出错：{error}");
            // A rule name given twice: the later rule's outcome counts.
            if (indicatorOf[r] >= 0)
                result[indicatorOf[r]] = outcomes[r];
        }
        for (var i = 0; i < result.Length; i++)
        {
            if (result[i] is null)
                throw new InvalidOperationException($"工作流“{workflow.WorkflowName}”缺少指标“{paths[i]}”的规则");
        }
        return result!;
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

    private static IndicatorResult Missing(Indicator indicator, Target target, double weight) => new()
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
    };

    private static IndicatorResult Row(Indicator indicator, Target target, string? actual, double weight, double score, string status, string explanation, ReportedActual reported, IReadOnlyList<string> flags) => new()
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
    };

    /// <remarks>Each text is built in one go from the numbers' cached texts (no partial strings): it runs for every indicator.</remarks>
    private static string ExplainYearEnd(Indicator indicator, Target target, ReportedActual reported, RuleOutcome outcome, double points, double weight)
    {
        var a = reported.Input;
        const string NotScoredMet = "达成（本方案不计分）";
        const string NotScoredMissed = "未达成（本方案不计分）";
        if (target.Direction == Direction.Qualitative)
        {
            var share = weight > 0 ? outcome.Output / points : outcome.Output;
            return weight > 0
                ? $"定性指标，目标“{target.Text}”，实际“{reported.Text}”：{a.Band}，按 {Percent(share)} 计分，得 {Number(outcome.Output)} 分（分值 {Number(weight)}）"
                : $"定性指标，目标“{target.Text}”，实际“{reported.Text}”：{a.Band}，按 {Percent(share)} 计分，{(outcome.Met ? NotScoredMet : NotScoredMissed)}";
        }
        var actual = Number(a.Value);
        var unit = target.IsPercent ? "%" : a.Unit;
        if (outcome.Met)
        {
            return weight > 0
                ? $"实际 {actual}{unit}，目标 {target.Text}：达成，得 {Number(outcome.Output)} 分（分值 {Number(weight)}）"
                : $"实际 {actual}{unit}，目标 {target.Text}：达成，{NotScoredMet}";
        }
        var timeProgress = target.Form == TargetForm.TimeProgress;
        var tv = timeProgress ? "序时进度" : Number((double)(target.Value ?? 0));
        if (weight <= 0)
            return $"实际 {actual}{unit}，目标 {tv}{(timeProgress ? "" : target.Unit)}：{(outcome.Output > 0 ? "部分达成" : "未达成")}（本方案不计分）";
        var w = Number(weight);
        var av = Number(Math.Max(a.Value, 0));
        var score = Number(outcome.Output);
        if (indicator.Tolerance is not null)
            return $"实际 {actual}{unit}，目标 {target.Text}：未达成，分值 × min(实际 ÷ 目标, 目标 ÷ 实际) = {w} × min({av} ÷ {tv}, {tv} ÷ {av}) = {score} 分";
        return target.Direction == Direction.Negative
            ? $"实际 {actual}{unit}，目标 {target.Text}：未达成，反向指标按 分值 × 目标 ÷ 实际 = {w} × {tv} ÷ {av} = {score} 分"
            : $"实际 {actual}{unit}，目标 {target.Text}：未达成，正向指标按 分值 × 实际 ÷ 目标 = {w} × {av} ÷ {tv} = {score} 分";
    }

    private static string ExplainMidYear(Indicator indicator, Target target, ReportedActual reported, double completion, string warning, double? forecast, double progress)
    {
        var forecastText = forecast is null ? "" : $"；按时间进度线性预测全年 {Number(forecast.Value)}{indicator.YearEndTarget.Unit}（全年目标 {indicator.YearEndTarget.Text}）";
        if (target.Direction == Direction.Qualitative)
            return $"定性指标，半年目标“{target.Text}”，实际“{reported.Text}”：{reported.Input.Band}，{Warnings.Chinese(warning)}";
        var t = target.Form == TargetForm.TimeProgress ? $"序时进度 {Percent(progress)}" : target.Text;
        return $"半年目标 {t}，实际 {reported.Text}，完成 {Percent(completion)}：{Warnings.Chinese(warning)}{forecastText}";
    }

    private static string Number(double value) => NumberTexts.Number(value);

    private static string Percent(double ratio) => NumberTexts.Percent(ratio);
}
