using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using RulesEngine.Models;

namespace BudgetEvaluation.Benchmarks;

/// <summary>
/// <c>micro</c>: BenchmarkDotNet on one generated project's year-end workflow (15 rules), warm, per engine; and on the
/// whole Evaluator over 1 000 generated projects (pick with <c>--filter '*Workflow*'</c> or <c>'*Evaluator*'</c>).
/// </summary>
internal static class MicroBench
{
    public static int Run(string[] args)
    {
        // In-process: no generated project to restore and build, which this offline machine may not allow.
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromTypes([typeof(WorkflowBenchmarks), typeof(EvaluatorBenchmarks)]).Run(args, config);
        return 0;
    }
}

/// <summary>One workflow of 15 rules: per call, so the per-indicator cost is the mean ÷ 15.</summary>
[MemoryDiagnoser]
public class WorkflowBenchmarks
{
    private ScoringData _data = null!;
    private CompiledWorkflow _compiled = null!;
    private RuleSet _ruleSet = null!;
    private RulesEngine.RulesEngine _naive = null!;
    private FloorRules.Rule[] _floor = null!;
    private readonly RuleValue[] _buffer = new RuleValue[64];
    private string _workflow = "";

    [GlobalSetup]
    public void Setup()
    {
        _data = ScoringData.Create(1);
        var workflow = _data.Workflows()[0];
        _workflow = workflow.WorkflowName;
        _compiled = CompiledRules.Compile([workflow]).Workflow(_workflow)!;
        _ruleSet = new RuleSet([workflow]);
        var naive = NaiveRules.Workflow(workflow, _data.Contexts[0].Points);
        _naive = new RulesEngine.RulesEngine([naive]);
        _floor = FloorRules.For(_data.Projects[0], _data.Contexts[0].Points);
    }

    [Benchmark(Description = "compiled rules (span)")]
    public double Compiled()
    {
        _compiled.Evaluate(_data.Inputs[0], _data.Contexts[0], _buffer);
        return _buffer[0].Output;
    }

    [Benchmark(Description = "compiled rules (RuleOutcome[])")]
    public RuleOutcome[] CompiledOutcomes() => _compiled.Evaluate(_data.Inputs[0], _data.Contexts[0]);

    [Benchmark(Description = "RuleSet: RulesEngine, shared text")]
    public RuleOutcome[] RulesEngineShared() => _ruleSet.EvaluateAsync(_workflow, _data.Inputs[0], _data.Contexts[0]).GetAwaiter().GetResult();

    [Benchmark(Description = "naive RulesEngine, literals")]
    public List<RuleResultTree> Naive() => _naive.ExecuteAllRulesAsync(_workflow,
        new RuleParameter(RuleNames.ActualsInput, _data.Inputs[0]), new RuleParameter(RuleNames.ContextInput, _data.Contexts[0])).AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "hand-written delegates")]
    public double Floor()
    {
        var total = 0.0;
        var inputs = _data.Inputs[0];
        var context = _data.Contexts[0];
        for (var i = 0; i < _floor.Length; i++)
            total += _floor[i].Score(inputs[i], _floor[i].Target, _floor[i].Points, context);
        return total;
    }
}

/// <summary>
/// The whole scoring path (rules, weights, statuses, explanations, result records) over 1 000 generated projects of 15
/// indicators, year-end, warm: the per-indicator cost is the mean ÷ 15 000, the allocations per project ÷ 1 000.
/// </summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private ScoringData _data = null!;
    private Evaluator _sequential = null!;
    private Evaluator _parallel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = ScoringData.Create(1_000);
        _sequential = new Evaluator(ScoringScheme.Default) { MaxParallelism = 1 };
        _parallel = new Evaluator(ScoringScheme.Default);
        // Compiles the rules once: every measured call reuses them, as a second run over the same files does.
        _sequential.EvaluateAsync(_data.Projects, _data.Actuals, ScoringData.ScoredPeriod).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "Evaluator, 1 000 projects, 1 thread")]
    public List<ProjectEvaluation> Sequential() =>
        _sequential.EvaluateAsync(_data.Projects, _data.Actuals, ScoringData.ScoredPeriod).GetAwaiter().GetResult();

    [Benchmark(Description = "Evaluator, 1 000 projects, all cores")]
    public List<ProjectEvaluation> Parallel() =>
        _parallel.EvaluateAsync(_data.Projects, _data.Actuals, ScoringData.ScoredPeriod).GetAwaiter().GetResult();
}
