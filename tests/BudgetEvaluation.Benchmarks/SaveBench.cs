using System.Diagnostics;
using System.Globalization;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Hosting;
using BudgetEvaluation.Jobs;
using BudgetEvaluation.Targets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BudgetEvaluation.Benchmarks;

/// <summary>
/// <c>save</c>: storing a run's results alone, as a department job stores them (<see cref="EvaluationStore.SaveResultsAsync"/>
/// per chunk, the department's row locked), on a throwaway cluster with the migrations applied. N generated projects are
/// scored once up front; then the run's results are written (first pass) and written again (a retried job's pass), each
/// timed with the CPU the PostgreSQL processes and this process used and the WAL it wrote, then read back as the API
/// reads them.
/// </summary>
/// <remarks>
/// PostgreSQL shares the machine's cores with the service, so its CPU is the figure to watch, and it is less noisy than
/// wall time under other load. <c>--sql FILE</c> applies extra SQL after the migrations, to try a schema change first.
/// </remarks>
internal static class SaveBench
{
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var size = 10_000;
        var chunkSize = 500;
        string? sql = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--projects" when i + 1 < args.Length:
                    size = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--chunk" when i + 1 < args.Length:
                    chunkSize = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--sql" when i + 1 < args.Length:
                    sql = File.ReadAllText(args[++i]);
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument: {args[i]}");
                    return 2;
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"save: {size:N0} projects in chunks of {chunkSize}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {Load()}"));

        var clock = Stopwatch.StartNew();
        var tables = new Generator().Tables(size).ToList();
        var projects = tables.Select((t, i) => RulesProject.Parse(RulesFile.Serialize(t), $"generated/{i}.json")).ToList();
        var rows = new ActualsGenerator().Rows(tables, Period.YearEnd).Where(r => !ActualsGenerator.IsBad(r));
        var evaluations = await new Evaluator(ScoringScheme.Default).EvaluateAsync(projects, ActualsSet.Match(rows, projects, Period.YearEnd, "generated.csv"), Period.YearEnd);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated and scored in {clock.Elapsed.TotalSeconds:F1} s"));

        await using var cluster = await LocalPostgres.StartAsync(Path.Combine(Path.GetTempPath(), "budgeteval-bench-pg"));
        await cluster.CreateDatabaseAsync("save");
        var connectionString = cluster.ConnectionString("save");
        await Migrations.ApplyAsync(connectionString, NullLogger.Instance);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        if (sql is not null)
            await Execute(dataSource, sql);

        var (departments, stored) = await SeedAsync(dataSource, projects);
        var store = new EvaluationStore(dataSource);
        var runId = await store.CreateRunAsync(Generator.Year, Period.YearEnd, Evaluator.DefaultAsOf(Generator.Year, Period.YearEnd), "default", Actor.System);
        await Execute(dataSource, $"INSERT INTO run_departments (run_id, department_id) SELECT {runId}, id FROM departments");
        var uploadId = await Scalar<long>(dataSource, "SELECT id FROM actuals_uploads");

        clock.Restart();
        var results = new List<(long DepartmentId, ProjectResult Result)>(size);
        for (var i = 0; i < size; i++)
        {
            var project = new LoadedProject(stored[i], projects[i]);
            results.Add((project.DepartmentId, ProjectScoring.ToResult(project, uploadId, evaluations[i], [])));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"results built in {clock.Elapsed.TotalSeconds:F2} s; result JSON {results.Average(r => r.Result.ResultJson.Length):N0} bytes (UTF-8) on average, {results.Average(r => r.Result.Missing.Count):F2} indicators missing"));
        // As a department job chunks: per department, by project id.
        var chunks = results.GroupBy(r => r.DepartmentId)
            .SelectMany(g => g.Select(r => r.Result).Chunk(chunkSize).Select(c => (Department: g.Key, Results: c)))
            .ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chunks.Count} chunks over {chunks.DistinctBy(c => c.Department).Count()} departments"));

        var postmaster = int.Parse(File.ReadLines(Path.Combine(cluster.Folder, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        foreach (var pass in new[] { "first write", "rewrite (retry)" })
        {
            await Execute(dataSource, "CHECKPOINT");
            var wal = await Scalar<string>(dataSource, "SELECT pg_current_wal_lsn()::text");
            var pgBefore = PostgresCpu(postmaster);
            var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            foreach (var (department, chunk) in chunks)
                await store.SaveResultsAsync(runId, department, chunk);
            var elapsed = clock.Elapsed;
            var pg = PostgresCpu(postmaster) - pgBefore;
            var self = Process.GetCurrentProcess().TotalProcessorTime - selfBefore;
            var walBytes = await Scalar<decimal>(dataSource, $"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{wal}')");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{pass,-16} {elapsed.TotalSeconds,6:F2} s  {elapsed.TotalMilliseconds * 500 / size,6:F0} ms/500 projects  PostgreSQL CPU {pg.TotalSeconds,5:F2} s  .NET CPU {self.TotalSeconds,5:F2} s  WAL {walBytes / 1048576m,6:F0} MiB  load {Load()}"));
        }

        foreach (var row in await Rows(dataSource,
            "SELECT c.relname::text, pg_total_relation_size(c.oid) FROM pg_class c WHERE c.relname IN ('evaluation_results', 'indicator_scores') AND c.relkind = 'r'"))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(string)row[0],-20} {(long)row[1] / 1048576.0,7:F1} MiB (with TOAST and indexes)"));

        foreach (var row in await Rows(dataSource,
            "SELECT coalesce(pg_column_compression(result), 'none'), count(*)::int, avg(pg_column_size(result))::float8, avg(octet_length(result::text))::float8 FROM evaluation_results GROUP BY 1"))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result column: {(int)row[1]:N0} values compressed {(string)row[0]}, {(double)row[2]:N0} bytes stored for {(double)row[3]:N0} bytes of text on average"));

        // Read back as the API does (RunResults): every result of the run, parsed into Core's model.
        var readPg = PostgresCpu(postmaster);
        clock.Restart();
        var read = await store.ResultsAsync(runId);
        var parsed = read.Count(r => System.Text.Json.JsonSerializer.Deserialize<ProjectEvaluation>(r.Result, EvaluationJson.Options) is not null);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"read back       {clock.Elapsed.TotalSeconds,6:F2} s  {parsed:N0} results parsed  PostgreSQL CPU {(PostgresCpu(postmaster) - readPg).TotalSeconds,5:F2} s"));

        // A run's progress as its status endpoint (and the e2e bench's poll every 200 ms) asks for it.
        var countsPg = PostgresCpu(postmaster);
        clock.Restart();
        for (var i = 0; i < 20; i++)
            await store.CountsAsync(runId);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run counts      {clock.Elapsed.TotalMilliseconds / 20,6:F1} ms per call  PostgreSQL CPU {(PostgresCpu(postmaster) - countsPg).TotalMilliseconds / 20,5:F1} ms per call"));
        return parsed == size ? 0 : 1;
    }

    /// <summary>The departments, projects and a rule set for each (the rules text is not read here), and one accepted upload.</summary>
    private static async Task<(List<long> Departments, List<StoredRules> Stored)> SeedAsync(NpgsqlDataSource dataSource, IReadOnlyList<RulesProject> projects)
    {
        await Execute(dataSource, "INSERT INTO fiscal_years (year) VALUES (2026)");
        var names = projects.Select(p => p.Project.Department).Distinct().ToArray();
        var departments = (await Rows(dataSource, "INSERT INTO departments (name) SELECT unnest($1) RETURNING id, name", (object)names))
            .ToDictionary(r => (string)r[1], r => (long)r[0]);
        var ids = (await Rows(dataSource,
            "INSERT INTO projects (year, department_id, name) SELECT 2026, d, n FROM unnest($1, $2) WITH ORDINALITY AS x(d, n, i) ORDER BY i RETURNING id",
            projects.Select(p => departments[p.Project.Department]).ToArray(), projects.Select(p => p.Project.Name).ToArray()))
            .Select(r => (long)r[0]).ToList();
        var ruleSets = (await Rows(dataSource,
            "INSERT INTO rule_sets (project_id, version, rules, rules_text, sha256, source_file, created_by) " +
            "SELECT p, 1, '{}', '{}', repeat('0', 64), 'bench', 'bench' FROM unnest($1) WITH ORDINALITY AS x(p, i) ORDER BY i RETURNING id",
            ids.ToArray())).Select(r => (long)r[0]).ToList();
        await Execute(dataSource,
            "INSERT INTO actuals_uploads (year, period, file_name, content, sha256, uploaded_by) VALUES (2026, 'year-end', 'bench.csv', '\\x00', repeat('0', 64), 'bench')");
        var stored = projects.Select((p, i) => new StoredRules(ids[i], departments[p.Project.Department], ruleSets[i], 1, new string('0', 64), null, null)).ToList();
        return (departments.Values.ToList(), stored);
    }

    /// <summary>
    /// CPU used so far by the cluster: the postmaster and its live children (backends, checkpointer, WAL writer…),
    /// plus what its exited children used (counted into the postmaster's cutime/cstime when it reaps them).
    /// </summary>
    public static TimeSpan PostgresCpu(int postmaster)
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            // Fields after the command (which may hold spaces) in parentheses: state ppid … utime(14) stime(15) cutime(16) cstime(17).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == postmaster)
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            else if (ppid == postmaster)
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        // USER_HZ is 100 on Linux.
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The rows of a query with positional parameters ($1, $2…), each as its column values.</summary>
    private static async Task<List<object[]>> Rows(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }
}
