using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using RulesEngine.Models;

namespace BudgetEvaluation.Benchmarks;

/// <summary>
/// <c>bench</c>: year-end scoring of 1 000 / 10 000 / 100 000 generated projects, each case in a fresh process (so
/// "cold" means cold: nothing compiled, nothing JIT-ed, and the peak memory is the case's own), then a table.
/// </summary>
internal static class ScoringBench
{
    /// <summary>The cases, in table order.</summary>
    private static readonly (string Name, string Label)[] Cases =
    [
        ("evaluator", "(a) Evaluator, compiled rules (the scoring path; 2 threads)"),
        ("evaluator-1", "(a) Evaluator, compiled rules, 1 thread"),
        ("evaluator-re", "(a) Evaluator, RulesEngine workflows (reference path)"),
        ("stream", "(a) Evaluator over chunks of 2 000 projects: rules files parsed, actuals matched, scored, dropped"),
        ("compiled", "(a) hot path: CompiledRules over the workflows, 1 thread"),
        ("naive", "(b) naive RulesEngine: literal workflows, engine defaults"),
        ("floor", "(c) hand-written delegates, 1 thread"),
    ];

    public static int Run(string[] args)
    {
        var sizes = new List<int> { 1_000, 10_000, 100_000 };
        var slowMax = 10_000;
        var only = new HashSet<string>(Cases.Select(c => c.Name));
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sizes" when i + 1 < args.Length:
                    sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
                    break;
                case "--slow-max" when i + 1 < args.Length:
                    slowMax = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--cases" when i + 1 < args.Length:
                    only = args[++i].Split(',').ToHashSet();
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument: {args[i]}");
                    return 2;
            }
        }

        Console.WriteLine($"bench: year-end scoring, {Environment.ProcessorCount} cores, {RuntimeInformationText()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine("each case runs in its own process: cold = first scoring in the process (compiles, JIT); warm = best of the next runs");
        var results = new List<CaseResult>();
        foreach (var size in sizes)
        {
            foreach (var (name, label) in Cases.Where(c => only.Contains(c.Name)))
            {
                if (SlowCases.Contains(name) && size > slowMax)
                {
                    Console.WriteLine($"  {size,7:N0} {name,-13} skipped (over --slow-max {slowMax:N0}; extrapolated below)");
                    continue;
                }
                var result = RunChild(name, size);
                if (result is null)
                    return 1;
                results.Add(result);
                Console.WriteLine($"  {size,7:N0} {name,-13} cold {result.ColdSeconds,8:F2} s, warm {result.WarmSeconds,8:F3} s, peak {result.PeakMiB,6:F0} MiB  ({label}) {result.Note}");
            }
        }
        PrintTable(results, sizes, slowMax);
        return 0;
    }

    /// <summary>Cases whose cold run compiles per rule (minutes at 100 000 projects): run up to --slow-max, extrapolated above.</summary>
    private static readonly HashSet<string> SlowCases = ["naive", "evaluator-re"];

    private static string RuntimeInformationText() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {(Debugger.IsAttached ? "debugger" : Configuration())}";

    private static string Configuration() =>
        typeof(ScoringBench).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "?";

    private static CaseResult? RunChild(string name, int size)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Under `dotnet Benchmarks.dll` the process is the dotnet host: name the assembly again.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(ScoringBench).Assembly.Location);
        foreach (var arg in new[] { "bench-case", name, size.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            Console.Error.WriteLine($"case {name} at {size} failed (exit {process.ExitCode}):{Environment.NewLine}{output}{stderr.Result}");
            return null;
        }
        return JsonSerializer.Deserialize<CaseResult>(line["RESULT ".Length..]);
    }

    private static void PrintTable(List<CaseResult> results, List<int> sizes, int slowMax)
    {
        Console.WriteLine();
        Console.WriteLine("| projects | case | indicators | cold s | cold indicators/s | warm s | warm indicators/s | warm µs/indicator | peak MiB (data MiB) | total score |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Projects:N0} | {r.Case} | {r.Indicators:N0} | {r.ColdSeconds:F2} | {r.Indicators / r.ColdSeconds:N0} | {r.WarmSeconds:F3} | {r.Indicators / r.WarmSeconds:N0} | {r.WarmSeconds * 1e6 / r.Indicators:F3} | {r.PeakMiB:F0} ({r.DataMiB:F0}) | {r.TotalScore:F4} |"));
        }
        // The slow cases grow linearly with projects (every rule is its own compile): extrapolate from the largest size run.
        foreach (var slow in SlowCases)
        {
            var largest = results.Where(r => r.Case == slow).MaxBy(r => r.Projects);
            foreach (var size in sizes.Where(s => s > slowMax && largest is not null))
            {
                var factor = (double)size / largest!.Projects;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | {slow} (extrapolated ×{factor:F0} from {largest.Projects:N0}) | {largest.Indicators * factor:N0} | ≈{largest.ColdSeconds * factor:F0} | {largest.Indicators / largest.ColdSeconds:N0} | ≈{largest.WarmSeconds * factor:F1} | {largest.Indicators / largest.WarmSeconds:N0} | {largest.WarmSeconds * 1e6 / largest.Indicators:F3} | – | – |"));
            }
        }
        var naive = results.Where(r => r.Case == "naive").MaxBy(r => r.Projects);
        Console.WriteLine();
        foreach (var size in sizes)
        {
            if (results.FirstOrDefault(r => r.Projects == size && r.Rows.Length > 0) is { } any)
                Console.WriteLine($"{size,7:N0}: {any.Rows}");
        }
        foreach (var size in sizes)
        {
            var a = results.FirstOrDefault(r => r.Projects == size && r.Case == "evaluator");
            var hot = results.FirstOrDefault(r => r.Projects == size && r.Case == "compiled");
            var c = results.FirstOrDefault(r => r.Projects == size && r.Case == "floor");
            var b = results.FirstOrDefault(r => r.Projects == size && r.Case == "naive");
            var bCold = b?.ColdSeconds ?? (naive is null ? (double?)null : naive.ColdSeconds * size / naive.Projects);
            var parts = new List<string>();
            if (a is not null && bCold is { } cold)
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"(b) cold ÷ (a) cold = {cold / a.ColdSeconds:F0}×{(b is null ? " (b extrapolated)" : "")}"));
            if (hot is not null && c is not null)
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"hot path warm ÷ (c) warm = {hot.WarmSeconds / c.WarmSeconds:F1}×"));
            if (a is not null && c is not null)
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"(a) warm ÷ (c) warm = {a.WarmSeconds / c.WarmSeconds:F0}×"));
            if (parts.Count > 0)
                Console.WriteLine($"{size,7:N0}: {string.Join("; ", parts)}");
        }
    }

    internal sealed record CaseResult(string Case, int Projects, int Indicators, double ColdSeconds, double WarmSeconds, double PeakMiB, double DataMiB, double TotalScore, string Note, string Rows);

    /// <summary>What a case wants said beside its figures (compile time, shapes).</summary>
    private static string _note = "";

    // ---- one case, in its own process ---------------------------------------------------------------------------

    public static int RunCase(string[] args)
    {
        var name = args[0];
        var size = int.Parse(args[1], CultureInfo.InvariantCulture);
        if (name == "stream")
            return Stream(size);
        var data = ScoringData.Create(size);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var dataMiB = process.WorkingSet64 / 1048576.0;

        var (cold, warm, total) = name switch
        {
            "evaluator" => Evaluate(data, EvaluationEngine.Compiled, Environment.ProcessorCount),
            "evaluator-1" => Evaluate(data, EvaluationEngine.Compiled, 1),
            "evaluator-re" => Evaluate(data, EvaluationEngine.RulesEngine, 1),
            "compiled" => Compiled(data),
            "naive" => Naive(data),
            "floor" => Floor(data),
            _ => throw new ArgumentException($"unknown case {name}"),
        };
        process.Refresh();
        var (rows, bad, badErrors, missing) = data.RowCounts;
        var rowText = string.Create(CultureInfo.InvariantCulture,
            $"actuals rows {rows:N0}, of which bad {bad:N0} ({100.0 * bad / rows:F2} %, {badErrors:N0} reported as errors, left out of scoring); indicators without an actual {missing:N0} ({100.0 * missing / data.Indicators:F2} %, 5 % missing + bad rows + 预算执行率 without spending)");
        var result = new CaseResult(name, size, data.Indicators, cold, warm, process.PeakWorkingSet64 / 1048576.0, dataMiB, total, _note, rowText);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Times the first call (cold) and the best of the following <paramref name="warmRuns"/> (warm).</summary>
    private static (double Cold, double Warm, double Total) Time(Func<double> run, int warmRuns)
    {
        var clock = Stopwatch.StartNew();
        var total = run();
        var cold = clock.Elapsed.TotalSeconds;
        var warm = double.MaxValue;
        for (var i = 0; i < warmRuns; i++)
        {
            clock.Restart();
            var again = run();
            warm = Math.Min(warm, clock.Elapsed.TotalSeconds);
            if (Math.Abs(again - total) > 1e-6 * Math.Max(1, Math.Abs(total)))
                throw new InvalidOperationException($"warm run scored {again}, cold run {total}");
        }
        return (cold, warm, total);
    }

    /// <summary>More warm runs for small sizes: a 1 000-project run is over before the JIT's tier-1 code is in place.</summary>
    /// <remarks>Ten times the runs (about a second of the Evaluator at 1 000 projects): with three times, its best run was still mostly tier-0 code.</remarks>
    private static int WarmRuns(ScoringData data, int fast, int slow) =>
        data.Projects.Count >= 100_000 ? slow : data.Projects.Count <= 1_000 ? fast * 10 : fast;

    /// <summary>(a): the whole scoring path, as <c>budgeteval score</c> runs it after reading the actuals.</summary>
    private static (double, double, double) Evaluate(ScoringData data, EvaluationEngine engine, int parallelism)
    {
        var evaluator = new Evaluator(ScoringScheme.Default, engine) { MaxParallelism = parallelism };
        var (gen0, gen1, gen2, pause, allocated) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: true));
        var runs = WarmRuns(data, 3, 2);
        var lastAllocated = 0L;
        var result = Time(() =>
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var total = evaluator.EvaluateAsync(data.Projects, data.Actuals, ScoringData.ScoredPeriod).GetAwaiter().GetResult().Sum(e => e.TotalScore ?? 0);
            lastAllocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            return total;
        }, runs);
        // The Evaluator's own cost is partly the collector's: say how much, per run (the cold run, which compiles, included).
        _note = string.Create(CultureInfo.InvariantCulture,
            $"per run: GC gen0 {(GC.CollectionCount(0) - gen0) / (runs + 1.0):F1}, gen1 {(GC.CollectionCount(1) - gen1) / (runs + 1.0):F1}, gen2 {(GC.CollectionCount(2) - gen2) / (runs + 1.0):F1}, pause {(GC.GetTotalPauseDuration() - pause).TotalSeconds / (runs + 1):F3} s, allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0 / (runs + 1):F0} MiB; " +
            $"last warm run allocated {lastAllocated / 1048576.0:F1} MiB ({lastAllocated / 1024.0 / data.Projects.Count:F2} KiB/project)");
        return result;
    }

    private const int ChunkSize = 2_000;

    /// <summary>
    /// (a) as a province-wide run can hold it in memory: projects loaded, matched and scored a chunk at a time, each
    /// chunk's rules files and evaluations dropped before the next. Timed: parsing the rules files, matching the
    /// actuals, scoring. Not timed: generating the files and rows (they stand for reading them from storage).
    /// </summary>
    private static int Stream(int size)
    {
        var generator = new Generator();
        var actualsGenerator = new ActualsGenerator { BadShare = ActualsGenerator.BenchBadShare };
        var evaluator = new Evaluator(ScoringScheme.Default);
        var indicators = 0;
        var passes = new List<(double Seconds, double Scoring, double Total)>();
        for (var pass = 0; pass < (size >= 100_000 ? 2 : 3); pass++)
        {
            var clock = new Stopwatch();
            var scoringClock = new Stopwatch();
            var total = 0.0;
            indicators = 0;
            for (var start = 0; start < size; start += ChunkSize)
            {
                var first = start;
                var files = Enumerable.Range(first, Math.Min(ChunkSize, size - first)).Select(i => RulesFile.Serialize(generator.Table(i))).ToList();
                clock.Start();
                var projects = files.Select((json, i) => RulesProject.Parse(json, $"generated/{first + i}.json")).ToList();
                clock.Stop();
                files.Clear();
                var rows = projects.SelectMany((p, i) => actualsGenerator.Rows(p.Table, first + i, ScoringData.ScoredPeriod)).Where(r => !ActualsGenerator.IsBad(r)).ToList();
                clock.Start();
                var actuals = ActualsSet.Match(rows, projects, ScoringData.ScoredPeriod, "generated.csv");
                if (actuals.Errors.Count > 0)
                    throw new InvalidOperationException(string.Join(Environment.NewLine, actuals.Errors.Take(10)));
                scoringClock.Start();
                var evaluations = evaluator.EvaluateAsync(projects, actuals, ScoringData.ScoredPeriod).GetAwaiter().GetResult();
                scoringClock.Stop();
                clock.Stop();
                foreach (var evaluation in evaluations)
                {
                    total += evaluation.TotalScore ?? 0;
                    indicators += evaluation.Indicators.Count;
                }
            }
            passes.Add((clock.Elapsed.TotalSeconds, scoringClock.Elapsed.TotalSeconds, total));
        }
        if (passes.Select(p => p.Total).Distinct().Count() != 1)
            throw new InvalidOperationException($"passes scored {string.Join(", ", passes.Select(p => p.Total))}");
        var warm = passes.Skip(1).MinBy(p => p.Seconds);
        _note = string.Create(CultureInfo.InvariantCulture,
            $"parse + match + score; scoring alone cold {passes[0].Scoring:F2} s, warm {warm.Scoring:F2} s ({warm.Scoring * 1e6 / indicators:F2} µs/indicator)");
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var result = new CaseResult("stream", size, indicators, passes[0].Seconds, warm.Seconds, process.PeakWorkingSet64 / 1048576.0, 0, passes[0].Total, _note, "");
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>(a), the hot path alone: the compiled rules over precomputed inputs, no Evaluator around them.</summary>
    private static (double, double, double) Compiled(ScoringData data)
    {
        CompiledWorkflow[]? workflows = null;
        var buffer = new RuleValue[64];
        return Time(() =>
        {
            if (workflows is null)
            {
                var clock = Stopwatch.StartNew();
                var rules = CompiledRules.Compile(data.Workflows());
                workflows = data.Projects.Select(p => rules.Workflow(p.WorkflowName(ScoringData.ScoredPeriod))!).ToArray();
                _note = string.Create(CultureInfo.InvariantCulture, $"compile {clock.Elapsed.TotalSeconds:F2} s, {CompiledRules.ShapeCount} rule shapes");
            }
            var total = 0.0;
            for (var p = 0; p < workflows.Length; p++)
            {
                var counted = data.Counted[p];
                workflows[p].Evaluate(data.Inputs[p], data.Contexts[p], buffer);
                for (var i = 0; i < counted.Length; i++)
                {
                    if (counted[i])
                        total += buffer[i].Output;
                }
            }
            return total;
        }, WarmRuns(data, 5, 3));
    }

    /// <summary>(b): one literal workflow per project in a default RulesEngine, each compiled on its first run.</summary>
    private static (double, double, double) Naive(ScoringData data)
    {
        var workflows = data.Projects.Select((p, i) => NaiveRules.Workflow(p.WorkflowFor(ScoringData.ScoredPeriod)!, data.Contexts[i].Points)).ToArray();
        var engine = new RulesEngine.RulesEngine(workflows);
        return Time(() =>
        {
            var total = 0.0;
            for (var p = 0; p < workflows.Length; p++)
            {
                var results = engine.ExecuteAllRulesAsync(workflows[p].WorkflowName,
                    new RuleParameter(RuleNames.ActualsInput, data.Inputs[p]),
                    new RuleParameter(RuleNames.ContextInput, data.Contexts[p])).AsTask().GetAwaiter().GetResult();
                var counted = data.Counted[p];
                for (var i = 0; i < counted.Length; i++)
                {
                    if (!counted[i])
                        continue;
                    if (results[i].ActionResult?.Exception is { } error)
                        throw new InvalidOperationException($"{workflows[p].WorkflowName}/{results[i].Rule.RuleName}: {error.Message}; {results[i].ExceptionMessage}");
                    total += Convert.ToDouble(results[i].ActionResult!.Output, CultureInfo.InvariantCulture);
                }
            }
            return total;
        }, 1);
    }

    /// <summary>(c): a hand-written loop over precompiled delegates.</summary>
    private static (double, double, double) Floor(ScoringData data)
    {
        FloorRules.Rule[][]? rules = null;
        return Time(() =>
        {
            rules ??= data.Projects.Select((p, i) => FloorRules.For(p, data.Contexts[i].Points)).ToArray();
            var total = 0.0;
            for (var p = 0; p < rules.Length; p++)
            {
                var project = rules[p];
                var inputs = data.Inputs[p];
                var counted = data.Counted[p];
                var context = data.Contexts[p];
                // Every rule is scored, as the other cases do; the total adds those that count.
                for (var i = 0; i < project.Length; i++)
                {
                    var score = project[i].Score(inputs[i], project[i].Target, project[i].Points, context);
                    if (counted[i])
                        total += score;
                }
            }
            return total;
        }, WarmRuns(data, 5, 3));
    }
}
