using System.Diagnostics;
using System.Globalization;
using BudgetEvaluation.Benchmarks;
using BudgetEvaluation.Core.Import;

// Benchmarks are console commands, not timed tests: run them in Release and read the figures.
//   dotnet run -c Release --project tests/BudgetEvaluation.Benchmarks -- import-flat [--projects 100000] [--repeat-project-columns] [--keep]
//   dotnet run -c Release --project tests/BudgetEvaluation.Benchmarks -- bench [--sizes 1000,10000,100000] [--slow-max 10000] [--cases evaluator,compiled,...]
//   dotnet run -c Release --project tests/BudgetEvaluation.Benchmarks -- e2e [--sizes 1000,10000] [--snapshot DIR]   (PostgreSQL + Hangfire, through the API)
//   dotnet run -c Release --project tests/BudgetEvaluation.Benchmarks -- upload-xlsx [--rows 50000]
//   dotnet run -c Release --project tests/BudgetEvaluation.Benchmarks -- save [--projects 10000] [--chunk 500] [--sql extra.sql]   (storing a run's results)
//   dotnet run -c Release --project tests/BudgetEvaluation.Benchmarks -- micro   (BenchmarkDotNet: one project's workflow, per engine)
var command = args.Length > 0 ? args[0] : "";
switch (command)
{
    case "import-flat":
        return ImportFlat.Run(args[1..]);
    case "bench":
        return ScoringBench.Run(args[1..]);
    case "bench-case":
        return ScoringBench.RunCase(args[1..]);
    case "e2e":
        return ServiceBench.Run(args[1..]);
    case "e2e-case":
        return ServiceBench.RunCase(args[1..]);
    case "upload-xlsx":
        return ServiceBench.RunXlsx(args[1..]);
    case "upload-xlsx-case":
        return ServiceBench.RunXlsxCase(args[1..]);
    case "save":
        return SaveBench.Run(args[1..]);
    case "micro":
        return MicroBench.Run(args[1..]);
    default:
        Console.Error.WriteLine("usage: import-flat [--projects N] [--repeat-project-columns] [--keep] | bench [--sizes 1000,10000,100000] [--slow-max N] [--cases a,b] | e2e [--sizes 1000,10000] [--snapshot DIR] | upload-xlsx [--rows 50000] | micro");
        return 2;
}

/// <summary>Generates a flat CSV of N projects, then imports it into a rules folder the way <c>budgeteval import</c> does.</summary>
internal static class ImportFlat
{
    public static int Run(string[] args)
    {
        var projects = 100_000;
        var repeat = false;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--projects" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    projects = n;
                    i++;
                    break;
                case "--repeat-project-columns":
                    repeat = true;
                    break;
                case "--keep":
                    keep = true;
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument: {args[i]}");
                    return 2;
            }
        }

        var work = Directory.CreateTempSubdirectory("budgeteval-bench-").FullName;
        var csv = Path.Combine(work, "targets.csv");
        var rules = Path.Combine(work, "rules");
        Console.WriteLine($"import-flat: {projects:N0} projects, project columns {(repeat ? "on every row" : "on the first row only")}, work folder {work}");
        try
        {
            var clock = Stopwatch.StartNew();
            FlatTableWriter.WriteCsv(csv, new Generator().Tables(projects), repeatProjectColumns: repeat);
            var size = new FileInfo(csv).Length;
            Report("generate + write CSV", clock.Elapsed, projects, $"{size / 1048576.0:F1} MiB");

            // Parsing alone, to separate reading the file from generating and writing the rules.
            clock.Restart();
            var parsed = 0;
            var indicators = 0;
            foreach (var import in TargetFiles.Read(csv))
            {
                if (!import.Succeeded)
                    throw new InvalidOperationException(string.Join(Environment.NewLine, import.Errors));
                parsed++;
                indicators += import.Table!.Indicators.Count;
            }
            Report("parse only", clock.Elapsed, parsed, $"{indicators:N0} indicators");

            var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var pauseBefore = GC.GetTotalPauseDuration();
            clock.Restart();
            var (imported, errors) = RulesImport.Run(csv, rules);
            var elapsed = clock.Elapsed;
            if (errors.Count > 0)
            {
                foreach (var error in errors.Take(20))
                    Console.Error.WriteLine(error);
                Console.Error.WriteLine($"{errors.Count} errors");
                return 1;
            }
            Report("RulesImport.Run (parse + rules + files)", elapsed, imported.Count, $"{imported.Count * 1.0 * indicators / parsed / elapsed.TotalSeconds:N0} rules/s");

            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var info = GC.GetGCMemoryInfo();
            Console.WriteLine($"peak working set:  {process.PeakWorkingSet64 / 1048576.0:F0} MiB (whole process)");
            Console.WriteLine($"GC during import:  gen0 {GC.CollectionCount(0) - gcBefore.Gen0}, gen1 {GC.CollectionCount(1) - gcBefore.Gen1}, gen2 {GC.CollectionCount(2) - gcBefore.Gen2}; " +
                $"allocated {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0:N0} MiB; pause {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:N0} ms");
            Console.WriteLine($"GC heap now:       {info.HeapSizeBytes / 1048576.0:F0} MiB; committed {info.TotalCommittedBytes / 1048576.0:F0} MiB; server GC {System.Runtime.GCSettings.IsServerGC}");
            return 0;
        }
        finally
        {
            if (keep)
            {
                Console.WriteLine($"kept {work}");
            }
            else
            {
                var clock = Stopwatch.StartNew();
                Directory.Delete(work, recursive: true);
                Console.WriteLine($"cleaned up in {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
    }

    private static void Report(string phase, TimeSpan elapsed, int projects, string extra) =>
        Console.WriteLine($"{phase,-42} {elapsed.TotalSeconds,8:F2} s  {projects / elapsed.TotalSeconds,10:N0} projects/s  {extra}");
}
