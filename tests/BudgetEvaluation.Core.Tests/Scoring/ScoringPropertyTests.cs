using System.Globalization;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using static BudgetEvaluation.Core.Tests.Scoring.ScoringFixtures;

namespace BudgetEvaluation.Core.Tests.Scoring;

/// <summary>
/// Properties of scoring over generated actuals and tables (fixed-seed <see cref="Random"/>, so a failure reproduces):
/// scores within [0, weight], monotonic in the direction of the target, totals ≤ 100, a project's weights sum to 100.
/// </summary>
public sealed class ScoringPropertyTests
{
    private const double Epsilon = 1e-9;

    private static readonly (string MidYear, string YearEnd)[] TargetPool =
    [
        ("≥5个", "≥10个"), ("≥0场", "≥2场"), (">3个", ">6个"), ("≥50%", "≥100%"), ("≥90%", "≥90%"), ("100%", "100%"),
        ("=95%", "=95%"), ("=2项报告、巡检报告", "=4项报告、巡检报告"), ("≥0台、件、套、 项", "≥37台、件、套、 项"),
        ("≤3天", "≤5天"), ("<2次", "<1次"), ("≤50%", "≤100%"), ("=0起", "=0起"), ("≤0起", "≤0起"),
        ("规范", "规范"), ("在平台上启动合作", "在平台上深化合作"),
    ];

    public static TheoryData<string> SchemeFiles => ["default.json", "decision-process.json"];

    [Theory]
    [MemberData(nameof(SchemeFiles))]
    public async Task YearEnd_RandomActualsOnSeed_ScoresWithinWeightsAndTotalsAtMostHundred(string schemeFile)
    {
        var scheme = ScoringScheme.Load(Scheme(schemeFile));
        var projects = SeedProjects();
        var random = new Random(20261231);
        var failures = new List<string>();
        for (var trial = 0; trial < 10; trial++)
        {
            var rows = projects.SelectMany(p => RandomRows(random, p.Table)).ToList();
            var evaluations = await ScoreRowsAsync(projects, rows, Period.YearEnd, scheme);
            failures.AddRange(evaluations.SelectMany(e => Violations(e, $"trial {trial}")));
        }
        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(SchemeFiles))]
    public async Task YearEnd_RandomSyntheticTables_ScoresWithinWeightsAndTotalsAtMostHundred(string schemeFile)
    {
        var scheme = ScoringScheme.Load(Scheme(schemeFile));
        var random = new Random(4242);
        var failures = new List<string>();
        for (var trial = 0; trial < 15; trial++)
        {
            var table = RandomTable(random, $"合成项目{trial}");
            var projects = new List<RulesProject> { RulesProject.Parse(RulesFile.Serialize(table), $"synthetic {trial}") };
            var evaluations = await ScoreRowsAsync(projects, RandomRows(random, table), Period.YearEnd, scheme);
            failures.AddRange(evaluations.SelectMany(e => Violations(e, $"trial {trial}")));
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task PositiveRules_RaisingTheActual_NeverLowersTheScore()
    {
        var failures = await CheckMonotonicAsync(t => t.Direction == Direction.Positive || (t.Direction == Direction.Equal && t.Value != 0), raising: true);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task NegativeRules_LoweringTheActual_NeverLowersTheScore()
    {
        // Year-end "=0" scores as 反向 (DOMAIN §4), so it belongs here.
        var failures = await CheckMonotonicAsync(t => t.Direction == Direction.Negative || (t.Direction == Direction.Equal && t.Value == 0), raising: false);
        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(SchemeFiles))]
    public async Task Weights_EverySeedProject_SumToHundred(string schemeFile)
    {
        var scheme = ScoringScheme.Load(Scheme(schemeFile));
        var projects = SeedProjects();
        var evaluations = await ScoreAsync(YearEndActuals, Period.YearEnd, scheme);

        Assert.Equal(12, projects.Count);
        Assert.All(projects, p => Assert.Equal(100, new Evaluator(scheme).Weights(p.Table).Values.Sum(), Epsilon));
        Assert.All(evaluations, e => Assert.Equal(100, e.Funds.Weight + e.Indicators.Sum(i => i.Weight), Epsilon));
    }

    [Theory]
    [MemberData(nameof(SchemeFiles))]
    public void Weights_RandomTablesWithEmptyCategoriesAndExplicitWeights_SumToHundred(string schemeFile)
    {
        var evaluator = new Evaluator(ScoringScheme.Load(Scheme(schemeFile)));
        var random = new Random(31415);
        var failures = new List<string>();
        for (var trial = 0; trial < 500; trial++)
        {
            var table = RandomTable(random, "合成项目");
            var weights = evaluator.Weights(table);
            var sum = weights.Values.Sum();
            if (Math.Abs(sum - 100) > Epsilon || weights.Values.Any(w => w < 0))
                failures.Add($"trial {trial}: weights sum to {sum}: {string.Join("; ", table.Indicators.Select(i => $"{i.Path} weight {i.Weight} → {weights[i.Path]}"))}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void Weights_ExplicitWeightsThatFit_AreKeptAndTheRestShareTheRemainder()
    {
        // 产出 56.25 after 满意度's share: 20 explicit, the other two share 36.25 → 18.125 each; 效益 33.75 to its one indicator.
        var table = Synthetic.Table(
            ("产出指标", "数量指标", "甲", "≥5个", "≥10个", 20m),
            ("产出指标", "质量指标", "乙", "≥50%", "≥90%", null),
            ("产出指标", "时效指标", "丙", "≤5天", "≤5天", null),
            ("效益指标", "社会效益", "丁", "较高", "较高", null),
            ("过程", "资金管理", "预算执行率", "=40%", "=100%", null));

        var weights = new Evaluator(ScoringScheme.Default).Weights(table);

        Assert.Equal(20, weights["产出指标/数量指标/甲"], Epsilon);
        Assert.Equal(18.125, weights["产出指标/质量指标/乙"], Epsilon);
        Assert.Equal(18.125, weights["产出指标/时效指标/丙"], Epsilon);
        Assert.Equal(33.75, weights["效益指标/社会效益/丁"], Epsilon);
        Assert.Equal(10, weights["过程/资金管理/预算执行率"], Epsilon);
    }

    [Fact]
    public void Weights_ExplicitWeightsOverTheCategory_AreScaledToFillIt()
    {
        // 产出 56.25: explicit 40 + 35 = 75 > 56.25 → scaled by 56.25/75 = 0.75 → 30 and 26.25; the unweighted one gets 0.
        var table = Synthetic.Table(
            ("产出指标", "数量指标", "甲", "≥5个", "≥10个", 40m),
            ("产出指标", "质量指标", "乙", "≥50%", "≥90%", 35m),
            ("产出指标", "时效指标", "丙", "≤5天", "≤5天", null),
            ("效益指标", "社会效益", "丁", "较高", "较高", null),
            ("过程", "资金管理", "预算执行率", "=40%", "=100%", null));

        var weights = new Evaluator(ScoringScheme.Default).Weights(table);

        Assert.Equal(30, weights["产出指标/数量指标/甲"], Epsilon);
        Assert.Equal(26.25, weights["产出指标/质量指标/乙"], Epsilon);
        Assert.Equal(0, weights["产出指标/时效指标/丙"], Epsilon);
    }

    [Fact]
    public void Weights_EveryIndicatorWeightedBelowTheCategory_AreScaledUpToFillIt()
    {
        // No 效益 or 满意度: 产出 takes 50 + (30 + 10) = 90. Explicit 30 + 15 = 45 → × 2 → 60 and 30.
        var table = Synthetic.Table(
            ("产出指标", "数量指标", "甲", "≥5个", "≥10个", 30m),
            ("产出指标", "质量指标", "乙", "≥50%", "≥90%", 15m),
            ("过程", "资金管理", "预算执行率", "=40%", "=100%", null));

        var weights = new Evaluator(ScoringScheme.Default).Weights(table);

        Assert.Equal(60, weights["产出指标/数量指标/甲"], Epsilon);
        Assert.Equal(30, weights["产出指标/质量指标/乙"], Epsilon);
        Assert.Equal(10, weights["过程/资金管理/预算执行率"], Epsilon);
    }

    [Fact]
    public void Weights_ExplicitZeroWeight_CarriesNoPointsAndTheRestShareTheCategory()
    {
        // 产出 56.25: 甲 set to 0, 乙 and 丙 share 56.25 → 28.125 each.
        var table = Synthetic.Table(
            ("产出指标", "数量指标", "甲", "≥5个", "≥10个", 0m),
            ("产出指标", "质量指标", "乙", "≥50%", "≥90%", null),
            ("产出指标", "时效指标", "丙", "≤5天", "≤5天", null),
            ("效益指标", "社会效益", "丁", "较高", "较高", null),
            ("过程", "资金管理", "预算执行率", "=40%", "=100%", null));

        var weights = new Evaluator(ScoringScheme.Default).Weights(table);

        Assert.Equal(0, weights["产出指标/数量指标/甲"]);
        Assert.Equal(28.125, weights["产出指标/质量指标/乙"], Epsilon);
        Assert.Equal(28.125, weights["产出指标/时效指标/丙"], Epsilon);
    }

    /// <summary>Pairs of actuals on every seed and synthetic rule of the chosen direction: the better actual never scores less.</summary>
    private static async Task<List<string>> CheckMonotonicAsync(Func<Target, bool> direction, bool raising)
    {
        var synthetic = Synthetic.Table("单调性", TargetPool.Select((t, n) => ("产出指标", "数量指标", $"指标{n}", t.MidYear, t.YearEnd, (decimal?)null)));
        var tables = SeedProjects().Select(p => p.Table).Append(synthetic).ToList();
        var workflows = tables.SelectMany(t => RulesFile.Workflows(RulesFile.Serialize(t))).ToList();
        var rules = new RuleSet(workflows);
        var random = new Random(7);
        var failures = new List<string>();
        var checkedRules = 0;
        foreach (var table in tables)
        {
            var workflow = RuleNames.Workflow(table.Project.Year, table.Project.Department, table.Project.Name, Period.YearEnd);
            foreach (var indicator in table.Indicators.Where(i => i.Tolerance is null && i.YearEndTarget.IsQuantitative && direction(i.YearEndTarget)))
            {
                checkedRules++;
                var scale = Math.Max((double)(indicator.YearEndTarget.Value ?? 0), 1);
                for (var n = 0; n < 40; n++)
                {
                    var points = 1 + random.Next(40);
                    var context = new RuleContext { LinearNegativeMiss = random.Next(2) == 0 };
                    var a = scale * (random.NextDouble() * 3 - 0.5);
                    var b = n % 5 == 0 ? a : scale * (random.NextDouble() * 3 - 0.5);
                    var (low, high) = (Math.Min(a, b), Math.Max(a, b));
                    var lowOutcome = await EvaluateOneAsync(rules, workflow, table, indicator, new ActualInput { Value = low }, points, context);
                    var highOutcome = await EvaluateOneAsync(rules, workflow, table, indicator, new ActualInput { Value = high }, points, context);
                    var (better, worse) = raising ? (highOutcome, lowOutcome) : (lowOutcome, highOutcome);
                    if (better.Error is not null || worse.Error is not null || better.Output < worse.Output - Epsilon)
                        failures.Add($"{table.Project.Name} {indicator.Path} ({indicator.YearEndTarget.Text}), points {points}, linear {context.LinearNegativeMiss}: {low} → {lowOutcome}, {high} → {highOutcome}");
                    foreach (var (value, outcome) in new[] { (low, lowOutcome), (high, highOutcome) })
                    {
                        if (outcome.Output < -Epsilon || outcome.Output > points + Epsilon)
                            failures.Add($"{table.Project.Name} {indicator.Path}: {value} scores {outcome.Output} outside [0, {points}]");
                    }
                }
            }
        }
        Assert.True(checkedRules > 10, $"only {checkedRules} rules checked");
        return failures;
    }

    /// <summary>Runs the workflow with <paramref name="actual"/> at the indicator's position and returns that rule's outcome.</summary>
    private static async Task<RuleOutcome> EvaluateOneAsync(RuleSet rules, string workflow, TargetTable table, Indicator indicator, ActualInput actual, double points, RuleContext context)
    {
        var index = table.Indicators.ToList().IndexOf(indicator);
        var actuals = table.Indicators.Select((_, i) => i == index ? actual : new ActualInput()).ToArray();
        var outcomes = await rules.EvaluateAsync(workflow, actuals, context with { Points = table.Indicators.Select(_ => points).ToArray() });
        return outcomes[index];
    }

    private static IEnumerable<string> Violations(ProjectEvaluation e, string trial)
    {
        foreach (var i in e.Indicators.Where(i => i.Score < -Epsilon || i.Score > i.Weight + Epsilon))
            yield return $"{trial} {e.Project} {i.Indicator}: actual “{i.Actual}” scores {i.Score} outside [0, {i.Weight}]";
        if (e.Funds.Score < -Epsilon || e.Funds.Score > e.Funds.Weight + Epsilon)
            yield return $"{trial} {e.Project} 项目资金: spent {e.Funds.Spent} scores {e.Funds.Score} outside [0, {e.Funds.Weight}]";
        if (e.TotalScore is not { } total || total < -Epsilon || total > 100 + Epsilon)
            yield return $"{trial} {e.Project}: total {e.TotalScore} outside [0, 100]";
        var weights = e.Funds.Weight + e.Indicators.Sum(i => i.Weight);
        if (Math.Abs(weights - 100) > Epsilon)
            yield return $"{trial} {e.Project}: weights sum to {weights}";
    }

    /// <summary>A table with a random mix of categories (产出 always present, others possibly empty) and explicit weights.</summary>
    private static TargetTable RandomTable(Random random, string name)
    {
        var rows = new List<(string, string, string, string, string, decimal?)>();
        var n = 0;
        foreach (var (subcategory, category) in IndicatorTree.CategoryOfSubcategory)
        {
            var count = random.Next(category == IndicatorTree.Output && rows.All(r => r.Item1 != IndicatorTree.Output) ? 1 : 0, 3);
            for (var k = 0; k < count; k++)
            {
                var (mid, full) = TargetPool[random.Next(TargetPool.Length)];
                decimal? weight = random.Next(10) switch
                {
                    < 3 => Math.Round((decimal)(random.NextDouble() * 40), 2),
                    3 => 0m,
                    _ => null,
                };
                rows.Add((category, subcategory, $"指标{n++}", mid, full, weight));
            }
        }
        if (random.Next(10) < 7)
            rows.Add((IndicatorTree.Process, "资金管理", IndicatorTree.BudgetExecutionRate, "=40%", "=100%", null));
        return Synthetic.Table(name, rows);
    }

    /// <summary>Actuals rows as people write them for a table: random values around the targets, some left out.</summary>
    private static IEnumerable<ActualRow> RandomRows(Random random, TargetTable table)
    {
        var line = 1;
        foreach (var indicator in table.Indicators)
        {
            line++;
            if (indicator.Name == IndicatorTree.BudgetExecutionRate || random.Next(10) == 0)
                continue;
            yield return new ActualRow
            {
                Line = line,
                Project = table.Project.Name,
                Category = indicator.Category,
                Subcategory = indicator.Subcategory,
                Indicator = indicator.Name,
                Value = RandomActual(random, indicator.YearEndTarget),
            };
        }
        if (random.Next(10) == 0)
            yield break;
        var budget = (double)table.Project.Funds.AnnualBudget;
        yield return new ActualRow
        {
            Line = ++line,
            Project = table.Project.Name,
            Category = ActualsColumns.FundsCategory,
            Indicator = ActualsColumns.SpendingIndicator,
            Value = Format(budget * (random.NextDouble() * 2.2 - 0.2)),
        };
    }

    private static string RandomActual(Random random, Target target)
    {
        if (target.Direction == Direction.Qualitative)
        {
            return random.Next(7) switch
            {
                0 => "达成",
                1 => "部分达成",
                2 => "未达成",
                3 => $"达成 {80 + random.Next(21)}%",
                4 => $"部分达成 {60 + random.Next(21)}%",
                5 => $"未达成 {random.Next(61)}%",
                _ => target.Text,
            };
        }
        var scale = Math.Max((double)(target.Value ?? 0), 1);
        var value = Format(scale * (random.NextDouble() * 3 - 0.3));
        if (target.IsPercent)
            return value + "%";
        var unit = target.Unit.Split('、')[0].Trim();
        return random.Next(3) == 0 ? value : value + unit;
    }

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
