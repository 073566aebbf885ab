using System.Text.Json.Nodes;
using BudgetEvaluation.Benchmarks;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Core.Tests.Scoring;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Tests.Rules;

/// <summary>
/// The compiled hot path against the reference, Microsoft RulesEngine running the same workflows: same Met, same
/// Output (to 1e-9), errors on the same rules, on the seed, on generated projects and through the Evaluator.
/// </summary>
public sealed class CompiledRulesTests
{
    private const double Tolerance = 1e-9;
    private const string Recruited = "产出指标/数量指标/招引科创项目数";

    // ---- every rule of the seed -------------------------------------------------------------------------------

    /// <summary>Contexts: points of several sizes (0 too), 序时进度 at the start, middle and end, both 反向 miss options.</summary>
    private static readonly RuleContext[] Contexts =
    [
        new() { TimeProgress = 0.5 },
        new() { TimeProgress = 0, LinearNegativeMiss = true },
        new() { TimeProgress = 1 },
        new() { TimeProgress = 0.25, LinearNegativeMiss = true },
    ];

    private static readonly double[] PointsPerRule = [6.25, 0, 1, 18.75];

    [Theory]
    [InlineData(Period.YearEnd)]
    [InlineData(Period.MidYear)]
    public async Task Seed_EveryRuleWithEdgeActuals_CompiledEqualsRulesEngine(Period period)
    {
        var projects = Seed.Projects;
        var workflows = projects.Select(p => p.WorkflowFor(period)!).ToList();
        var reference = new RuleSet(workflows);
        var compiled = CompiledRules.Compile(workflows);
        Assert.Empty(compiled.Fallbacks);

        var compared = 0;
        foreach (var project in projects)
        {
            var workflow = project.WorkflowFor(period)!;
            var indicators = project.Table.Indicators;
            foreach (var probe in Probes)
            {
                var actuals = indicators.Select(i => probe(i.TargetFor(period))).ToArray();
                for (var c = 0; c < Contexts.Length; c++)
                {
                    var context = Contexts[c] with { Points = Enumerable.Repeat(PointsPerRule[c], indicators.Count).ToArray() };
                    // Probes "at target" of 序时进度 depend on the context's progress.
                    var inputs = actuals.Select((a, i) => a ?? new ActualInput { Value = context.TimeProgress * 100, Unit = "%" }).ToArray();
                    compared += await AssertSameAsync(reference, compiled, workflow.WorkflowName, inputs, context);
                }
            }
        }
        // 12 projects × their 15 rules (year-end 180, mid-year 180) × 24 probes × 4 contexts.
        Assert.Equal(12 * 15 * Probes.Length * Contexts.Length, compared);
    }

    /// <summary>
    /// Actuals for one target: 0, negative, exactly at target, just either side, far over, and every qualitative band
    /// with and without a percentage (the band's limits too). Null means "at 序时进度", filled in per context.
    /// </summary>
    private static readonly Func<Target, ActualInput?>[] Probes =
    [
        _ => new ActualInput { Value = 0 },
        _ => new ActualInput { Value = -1 },
        _ => new ActualInput { Value = -0.5 },
        t => AtTarget(t, 0),
        t => AtTarget(t, 1e-7),
        t => AtTarget(t, -1e-7),
        t => Scaled(t, 0.5),
        t => Scaled(t, 0.95),
        t => Scaled(t, 1.3),
        t => Scaled(t, 2.5),
        _ => new ActualInput { Value = 1e9 },
        _ => new ActualInput { Value = 0.001 },
        _ => new ActualInput { Band = RuleNames.Met },
        _ => new ActualInput { Band = RuleNames.PartlyMet },
        _ => new ActualInput { Band = RuleNames.NotMet },
        _ => new ActualInput { Band = RuleNames.Met, HasPercent = true, Percent = 80 },
        _ => new ActualInput { Band = RuleNames.Met, HasPercent = true, Percent = 95 },
        _ => new ActualInput { Band = RuleNames.PartlyMet, HasPercent = true, Percent = 60 },
        _ => new ActualInput { Band = RuleNames.PartlyMet, HasPercent = true, Percent = 75 },
        _ => new ActualInput { Band = RuleNames.PartlyMet, HasPercent = true, Percent = 80 },
        _ => new ActualInput { Band = RuleNames.NotMet, HasPercent = true, Percent = 0 },
        _ => new ActualInput { Band = RuleNames.NotMet, HasPercent = true, Percent = 45.5 },
        _ => new ActualInput { Band = "" },
        _ => new ActualInput { Value = 100, Unit = "%", Band = RuleNames.PartlyMet, HasPercent = true, Percent = 70 },
    ];

    private static ActualInput? AtTarget(Target target, double delta) =>
        target.Form == TargetForm.TimeProgress && delta == 0 ? null : new ActualInput { Value = (double)(target.Value ?? 50) + delta, Unit = target.Unit };

    private static ActualInput Scaled(Target target, double factor) =>
        new() { Value = (double)(target.Value ?? 50) * factor, Unit = target.Unit };

    /// <summary>Runs one workflow both ways; returns the number of rules compared.</summary>
    private static async Task<int> AssertSameAsync(IRuleRunner reference, IRuleRunner compiled, string workflow, ActualInput[] actuals, RuleContext context)
    {
        var expected = await reference.RunAsync(workflow, actuals, context);
        var actual = await compiled.RunAsync(workflow, actuals, context);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var where = $"{workflow} / {expected[i].Rule} / {actuals[i]} / {context.TimeProgress}";
            Assert.True(expected[i].Rule == actual[i].Rule, where);
            Assert.True(expected[i].Met == actual[i].Met, $"Met differs: {where}");
            Assert.True(Math.Abs(expected[i].Output - actual[i].Output) <= Tolerance, $"Output {expected[i].Output} ≠ {actual[i].Output}: {where}");
            Assert.True((expected[i].Error is null) == (actual[i].Error is null), $"error {expected[i].Error} vs {actual[i].Error}: {where}");
        }
        return expected.Length;
    }

    [Fact]
    public async Task Seed_RecruitedProjectsAt1700_BothPathsScore17Point708()
    {
        // A spot check with a hand-computed value: 18.75 × 1700 ÷ 1800 = 17.708333333333332, not met.
        var project = Seed.Project(ScoringFixtures.TongChuangHui);
        var workflow = project.WorkflowFor(Period.YearEnd)!;
        var index = project.Table.Indicators.ToList().FindIndex(i => i.Path == Recruited);
        var actuals = project.Table.Indicators.Select(_ => new ActualInput()).ToArray();
        actuals[index] = new ActualInput { Value = 1700, Unit = "个" };
        var context = new RuleContext { Points = Enumerable.Repeat(18.75, actuals.Length).ToArray(), TimeProgress = 1 };

        var compiled = (await CompiledRules.Compile([workflow]).RunAsync(workflow.WorkflowName, actuals, context))[index];
        var reference = (await new RuleSet([workflow]).RunAsync(workflow.WorkflowName, actuals, context))[index];

        Assert.False(compiled.Met);
        Assert.Equal(17.708333333333332, compiled.Output, Tolerance);
        Assert.Equal(reference.Output, compiled.Output, Tolerance);
        Assert.Null(compiled.Error);
    }

    [Theory]
    [InlineData(Period.YearEnd, 2517.03, true, 10.0)]
    [InlineData(Period.YearEnd, 2600, false, 9.680884615384617)]
    [InlineData(Period.YearEnd, 0, false, 0.0)]
    [InlineData(Period.MidYear, 2400, false, 0.9535047258077972)]
    public async Task ExactTarget_WithTolerance_CompiledEqualsRulesEngine(Period period, double value, bool met, double expected)
    {
        // The seed has no exact (tolerance) rule: 物业服务面积 =2517.03平方米 within 1: 10 × 2517.03 ÷ 2600 = 9.6808…; mid-year 2400 ÷ 2517.03 = 0.9535…
        var indicator = new Indicator("产出指标", "数量指标", "物业服务面积",
            TargetNotation.Parse("=2517.03平方米", "物业服务面积"), TargetNotation.Parse("=2517.03平方米", "物业服务面积"), Tolerance: 1m);
        var table = new TargetTable(Synthetic.Table(("产出指标", "数量指标", "占位", "≥1个", "≥1个", null)).Project, [indicator]);
        var workflows = RulesFile.Workflows(RulesFile.Serialize(table));
        var workflow = workflows.Single(w => w.WorkflowName.EndsWith(period.Code(), StringComparison.Ordinal));
        ActualInput[] actuals = [new() { Value = value, Unit = "平方米" }];
        var context = new RuleContext { Points = [10], TimeProgress = 0.5 };

        var compiled = (await CompiledRules.Compile(workflows).RunAsync(workflow.WorkflowName, actuals, context)).Single();
        var reference = (await new RuleSet(workflows).RunAsync(workflow.WorkflowName, actuals, context)).Single();

        Assert.Equal(met, compiled.Met);
        Assert.Equal(expected, compiled.Output, 1e-9);
        Assert.Equal(reference.Met, compiled.Met);
        Assert.Equal(reference.Output, compiled.Output, Tolerance);
    }

    // ---- generated projects -----------------------------------------------------------------------------------

    private const int GeneratedProjects = 1000;

    private static readonly Lazy<List<RulesProject>> Generated = new(() =>
        new Generator().Tables(GeneratedProjects).Select((t, i) => RulesProject.Parse(RulesFile.Serialize(t), $"generated-{i}.json")).ToList());

    [Theory]
    [InlineData(Period.YearEnd)]
    [InlineData(Period.MidYear)]
    public async Task Generated_1000ProjectsWithGeneratedActuals_CompiledEqualsRulesEngineRuleByRule(Period period)
    {
        var projects = Generated.Value;
        var actuals = Match(projects, period);
        var workflows = projects.Select(p => p.WorkflowFor(period)!).ToList();
        var reference = new RuleSet(workflows);
        var compiled = CompiledRules.Compile(workflows);
        Assert.Empty(compiled.Fallbacks);
        var evaluator = new Evaluator(ScoringScheme.Default);

        var compared = 0;
        foreach (var project in projects)
        {
            var reported = actuals.For(project);
            var rate = reported.Spent is { } spent ? Math.Max(spent, 0) / (double)project.Project.Funds.AnnualBudget * 100 : 0;
            var inputs = project.Table.Indicators.Select(i => i.Name == IndicatorTree.BudgetExecutionRate
                ? new ActualInput { Value = rate, Unit = "%" }
                : reported.Indicators.GetValueOrDefault(i.Path)?.Input ?? new ActualInput()).ToArray();
            var weights = evaluator.Weights(project.Table);
            var context = new RuleContext
            {
                TimeProgress = 0.5,
                Points = period == Period.YearEnd ? project.Table.Indicators.Select(i => weights[i.Path] > 0 ? weights[i.Path] : 1.0).ToArray() : [],
            };
            compared += await AssertSameAsync(reference, compiled, project.WorkflowName(period), inputs, context);
        }
        Assert.Equal(GeneratedProjects * 15, compared);
    }

    [Theory]
    [InlineData(Period.YearEnd, "default.json")]
    [InlineData(Period.YearEnd, "decision-process.json")]
    [InlineData(Period.MidYear, "default.json")]
    [InlineData(Period.MidYear, "time-progress.json")]
    public async Task Generated_1000Projects_EvaluatorGivesIdenticalEvaluationsWithEitherEngine(Period period, string scheme)
    {
        var projects = Generated.Value;
        var actuals = Match(projects, period);
        var loaded = ScoringScheme.Load(ScoringFixtures.Scheme(scheme));

        var reference = await new Evaluator(loaded, EvaluationEngine.RulesEngine).EvaluateAsync(projects, actuals, period);
        // Four-way parallel even on a smaller machine: the order of the output must not depend on it.
        var compiled = await new Evaluator(loaded, EvaluationEngine.Compiled) { MaxParallelism = 4 }.EvaluateAsync(projects, actuals, period);

        // Same projects in the same order, and every score, status, warning and explanation the same.
        Assert.Equal(EvaluationJson.Serialize(reference), EvaluationJson.Serialize(compiled));
        Assert.Equal(GeneratedProjects, compiled.Count);
        // The generated actuals leave about 5 % of the indicators missing: the comparison covers 未填报 too.
        Assert.InRange(compiled.Sum(e => e.Missing.Count), 500, 1200);
    }

    [Fact]
    public void Generated_ActualsRows_MatchTheirProjectsWithoutErrors()
    {
        var set = Match(Generated.Value, Period.YearEnd);
        Assert.Empty(set.Errors);
    }

    private static ActualsSet Match(List<RulesProject> projects, Period period)
    {
        var rows = new ActualsGenerator().Rows(projects.Select(p => p.Table), period);
        var set = ActualsSet.Match(rows, projects, period, "generated.csv");
        Assert.Empty(set.Errors);
        return set;
    }

    // ---- the golden fixtures through the Evaluator ------------------------------------------------------------

    [Theory]
    [InlineData(ScoringFixtures.YearEndActuals, Period.YearEnd, "default.json")]
    [InlineData(ScoringFixtures.YearEndActuals, Period.YearEnd, "decision-process.json")]
    [InlineData(ScoringFixtures.MidYearActuals, Period.MidYear, "default.json")]
    [InlineData(ScoringFixtures.MidYearActuals, Period.MidYear, "time-progress.json")]
    [InlineData("actuals-mid-year.csv", Period.MidYear, "default.json")]
    public async Task GoldenFixtures_EvaluatorGivesIdenticalEvaluationsWithEitherEngine(string fixture, Period period, string scheme)
    {
        var projects = ScoringFixtures.SeedProjects();
        var (rows, errors) = ActualsFile.Read(ScoringFixtures.Fixture(fixture));
        Assert.Empty(errors);
        var actuals = ActualsSet.Match(rows, projects, period, fixture);
        Assert.Empty(actuals.Errors);
        var loaded = ScoringScheme.Load(ScoringFixtures.Scheme(scheme));

        var reference = await new Evaluator(loaded, EvaluationEngine.RulesEngine).EvaluateAsync(projects, actuals, period);
        var compiled = await new Evaluator(loaded, EvaluationEngine.Compiled).EvaluateAsync(projects, actuals, period);

        Assert.Equal(EvaluationJson.Serialize(reference), EvaluationJson.Serialize(compiled));
        Assert.Equal(12, compiled.Count);
    }

    [Fact]
    public async Task GoldenYearEnd_CompiledEvaluator_KeepsTheHandComputedTotal()
    {
        var projects = ScoringFixtures.SeedProjects();
        var (rows, _) = ActualsFile.Read(ScoringFixtures.Fixture(ScoringFixtures.YearEndActuals));
        var actuals = ActualsSet.Match(rows, projects, Period.YearEnd, ScoringFixtures.YearEndActuals);

        var compiled = await new Evaluator(ScoringScheme.Default, EvaluationEngine.Compiled).EvaluateAsync(projects, actuals, Period.YearEnd);

        // YearEndGoldenTests: 9.62962962962963 + 17.708333333333332 + 18.75 + 18.75 + 25.3125 = 90.15046296296296 → 优.
        var e = compiled.Project(ScoringFixtures.TongChuangHui);
        Assert.Equal(90.15046296296296, e.TotalScore!.Value, Tolerance);
        Assert.Equal("优", e.Grade);
    }

    [Fact]
    public async Task Compile_RuleCompiledBeforeWithAnotherTarget_ReadsItsOwnTarget()
    {
        // The same rule texts but 1700.0 for 1800.0, compiled after it: the compiled rule is reused, the target is not.
        var at1800 = EditedWorkflow(Period.YearEnd, _ => { });
        var at1700 = EditedWorkflow(Period.YearEnd, rule =>
            rule["LocalParams"]!.AsArray().Single(p => (string)p!["Name"]! == "target")!["Expression"] = "1700.0");
        var project = Seed.Project(ScoringFixtures.TongChuangHui);
        var index = project.Table.Indicators.ToList().FindIndex(i => i.Path == Recruited);
        var actuals = project.Table.Indicators.Select(_ => new ActualInput()).ToArray();
        actuals[index] = new ActualInput { Value = 1700, Unit = "个" };
        var context = new RuleContext { Points = Enumerable.Repeat(18.75, actuals.Length).ToArray(), TimeProgress = 1 };

        var first = (await CompiledRules.Compile([at1800]).RunAsync(at1800.WorkflowName, actuals, context))[index];
        var second = (await CompiledRules.Compile([at1700]).RunAsync(at1700.WorkflowName, actuals, context))[index];
        var again = (await CompiledRules.Compile([at1800]).RunAsync(at1800.WorkflowName, actuals, context))[index];

        Assert.Equal((false, 17.708333333333332), (first.Met, first.Output));
        Assert.Equal((true, 18.75), (second.Met, second.Output));
        Assert.Equal((false, 17.708333333333332), (again.Met, again.Output));
    }

    // ---- what the compiled path does not take silently ----------------------------------------------------------

    [Fact]
    public void Compile_MisspeltFieldInExpression_FailsNamingWorkflowRuleAndText()
    {
        var workflow = EditedWorkflow(Period.YearEnd, rule => rule["Expression"] = "actual.Valu >= target");

        var error = Assert.Throws<RuleCompileException>(() => CompiledRules.Compile([workflow]));

        Assert.Equal(Recruited, error.Rule);
        Assert.Equal("Expression", error.Field);
        Assert.Equal("actual.Valu >= target", error.Text);
        Assert.Contains(workflow.WorkflowName, error.Message);
        Assert.Contains("actual.Valu >= target", error.Message);
    }

    [Fact]
    public void Compile_UnparseableOnFailureAction_FailsNamingTheAction()
    {
        var workflow = EditedWorkflow(Period.YearEnd, rule => rule["Actions"]!["OnFailure"]!["Context"]!["Expression"] = "points * (");

        var error = Assert.Throws<RuleCompileException>(() => CompiledRules.Compile([workflow]));

        Assert.Equal("OnFailure", error.Field);
        Assert.Equal(Recruited, error.Rule);
    }

    [Fact]
    public async Task Evaluator_CompiledEngineWithUnparseableRule_ThrowsInsteadOfScoring()
    {
        var rules = ScoringFixtures.CopyRules();
        try
        {
            ScoringFixtures.EditRule(ScoringFixtures.RulesFileOf(rules, ScoringFixtures.TongChuangHui), Period.YearEnd, Recruited,
                rule => rule["Expression"] = "actual.Valu >= target");
            var projects = RulesProject.LoadAll(rules);
            var (rows, _) = ActualsFile.Read(ScoringFixtures.Fixture(ScoringFixtures.YearEndActuals));
            var actuals = ActualsSet.Match(rows, projects, Period.YearEnd, "actuals.csv");

            var error = await Assert.ThrowsAsync<RuleCompileException>(() =>
                new Evaluator(ScoringScheme.Default, EvaluationEngine.Compiled).EvaluateAsync(projects, actuals, Period.YearEnd));

            Assert.Equal(Recruited, error.Rule);
        }
        finally
        {
            Directory.Delete(rules, recursive: true);
        }
    }

    [Fact]
    public async Task Compile_WorkflowWithGlobalParams_FallsBackToRulesEngineAndSaysSo()
    {
        var workflow = EditedWorkflow(Period.YearEnd, _ => { });
        workflow.GlobalParams = [new ScopedParam { Name = "bonus", Expression = "1.0" }];
        var project = Seed.Project(ScoringFixtures.TongChuangHui);
        var actuals = project.Table.Indicators.Select(_ => new ActualInput { Value = 1700, Band = RuleNames.PartlyMet }).ToArray();
        var context = new RuleContext { Points = Enumerable.Repeat(5.0, actuals.Length).ToArray(), TimeProgress = 1 };

        var compiled = CompiledRules.Compile([workflow]);

        var fallback = Assert.Single(compiled.Fallbacks);
        Assert.Equal(workflow.WorkflowName, fallback.Workflow);
        Assert.Contains("GlobalParams", fallback.Reason);
        Assert.Null(compiled.Workflow(workflow.WorkflowName));
        Assert.Equal(15, await AssertSameAsync(new RuleSet([workflow]), compiled, workflow.WorkflowName, actuals, context));
    }

    [Fact]
    public async Task Run_ActionThatThrows_ReportsTheErrorLikeRulesEngine()
    {
        // An index past the points array: RulesEngine reports IsSuccess with the action's exception beside it.
        var workflow = EditedWorkflow(Period.YearEnd, rule => rule["Actions"]!["OnSuccess"]!["Context"]!["Expression"] = "context.Points[99]");
        var project = Seed.Project(ScoringFixtures.TongChuangHui);
        var actuals = project.Table.Indicators.Select(_ => new ActualInput { Value = 1e6 }).ToArray();
        var context = new RuleContext { Points = Enumerable.Repeat(5.0, actuals.Length).ToArray() };
        var index = project.Table.Indicators.ToList().FindIndex(i => i.Path == Recruited);

        var compiled = (await CompiledRules.Compile([workflow]).RunAsync(workflow.WorkflowName, actuals, context))[index];
        var reference = (await new RuleSet([workflow]).RunAsync(workflow.WorkflowName, actuals, context))[index];

        Assert.NotNull(reference.Error);
        Assert.NotNull(compiled.Error);
        Assert.StartsWith("动作表达式出错", compiled.Error);
        Assert.Equal(reference.Met, compiled.Met);
        Assert.True(compiled.Met);
    }

    [Fact]
    public async Task Run_LocalParamPastTheActuals_ReportsAnErrorOnBothPaths()
    {
        var workflow = EditedWorkflow(Period.YearEnd, rule => rule["LocalParams"]![0]!["Expression"] = "actuals[40]");
        var actuals = Enumerable.Range(0, 15).Select(_ => new ActualInput { Value = 1 }).ToArray();
        var context = new RuleContext { Points = Enumerable.Repeat(5.0, 15).ToArray() };

        Assert.Equal(15, await AssertSameAsync(new RuleSet([workflow]), CompiledRules.Compile([workflow]), workflow.WorkflowName, actuals, context));
        var outcome = (await CompiledRules.Compile([workflow]).RunAsync(workflow.WorkflowName, actuals, context)).Single(o => o.Rule == Recruited);
        Assert.False(outcome.Met);
        Assert.NotNull(outcome.Error);
    }

    // ---- reuse across runs ------------------------------------------------------------------------------------

    [Fact]
    public void RuleRunners_SameRulesLoadedTwice_ReuseOneCompiledSet()
    {
        var first = RulesProject.LoadAll(Seed.RulesDirectory);
        var second = RulesProject.LoadAll(Seed.RulesDirectory);

        var a = RuleRunners.For(EvaluationEngine.Compiled, first, Period.YearEnd, p => p.WorkflowFor(Period.YearEnd)!);
        var b = RuleRunners.For(EvaluationEngine.Compiled, second, Period.YearEnd, p => p.WorkflowFor(Period.YearEnd)!);
        var midYear = RuleRunners.For(EvaluationEngine.Compiled, second, Period.MidYear, p => p.WorkflowFor(Period.MidYear)!);
        var rulesEngine = RuleRunners.For(EvaluationEngine.RulesEngine, second, Period.YearEnd, p => p.WorkflowFor(Period.YearEnd)!);

        Assert.Same(a, b);
        Assert.NotSame(a, midYear);
        Assert.IsType<RuleSet>(rulesEngine);
    }

    [Fact]
    public void RuleRunners_OneRulesFileChanged_CompilesANewSet()
    {
        var rules = ScoringFixtures.CopyRules();
        try
        {
            var before = RuleRunners.For(EvaluationEngine.Compiled, RulesProject.LoadAll(rules), Period.YearEnd, p => p.WorkflowFor(Period.YearEnd)!);
            ScoringFixtures.EditRule(ScoringFixtures.RulesFileOf(rules, ScoringFixtures.TongChuangHui), Period.YearEnd, Recruited,
                rule => rule["LocalParams"]!.AsArray().Single(p => (string)p!["Name"]! == "target")!["Expression"] = "1700.0");
            var after = RuleRunners.For(EvaluationEngine.Compiled, RulesProject.LoadAll(rules), Period.YearEnd, p => p.WorkflowFor(Period.YearEnd)!);

            Assert.NotSame(before, after);
        }
        finally
        {
            Directory.Delete(rules, recursive: true);
        }
    }

    [Fact]
    public void Evaluator_DefaultEngine_IsCompiled()
    {
        Assert.Equal(EvaluationEngine.Compiled, new Evaluator(ScoringScheme.Default).Engine);
    }

    /// <summary>The 通创荟 workflow of a period with the 招引科创项目数 rule edited.</summary>
    private static Workflow EditedWorkflow(Period period, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestFiles.CommittedRulesFile(ScoringFixtures.TongChuangHui)))!.AsObject();
        var workflow = root["workflows"]!.AsArray().Select(w => w!.AsObject()).Single(w => ((string)w["WorkflowName"]!).EndsWith(period.Code(), StringComparison.Ordinal));
        edit(workflow["Rules"]!.AsArray().Select(r => r!.AsObject()).Single(r => (string)r["RuleName"]! == Recruited));
        return RulesFile.Workflows(root.ToJsonString()).Single(w => w.WorkflowName == (string)workflow["WorkflowName"]!);
    }
}
