using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Hosting;
using BudgetEvaluation.Jobs;
using MiniExcelLibs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BudgetEvaluation.Benchmarks;

/// <summary>
/// <c>e2e</c>: the year-end run through the service as deployed: a throwaway PostgreSQL cluster (<see cref="LocalPostgres"/>,
/// as the tests use), the service host built by <see cref="ServiceHost"/> in this process with its Hangfire server, and
/// only public entry points: targets imported with <c>POST /api/targets</c>, actuals uploaded per department with
/// <c>POST /api/actuals</c>, the run started with <c>POST /api/evaluations</c> and polled until it ends.
/// <c>upload-xlsx</c>: one XLSX of actuals (50 000 rows by default) through <c>POST /api/actuals</c>, once with 1 % bad
/// rows (refused, every error listed) and once clean.
/// </summary>
/// <remarks>Each size runs in its own process with server GC, as <c>budgeteval serve</c> runs, so the peak memory is the run's own.</remarks>
internal static class ServiceBench
{
    public static int Run(string[] args)
    {
        var sizes = new List<int> { 1_000, 10_000 };
        string? snapshots = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--sizes" && i + 1 < args.Length)
                sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
            else if (args[i] == "--snapshot" && i + 1 < args.Length)
                snapshots = Path.GetFullPath(args[++i]);
            else
            {
                Console.Error.WriteLine($"unknown argument: {args[i]}");
                return 2;
            }
        }
        Console.WriteLine($"e2e: year-end run through PostgreSQL and Hangfire, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        var results = new List<JsonObject>();
        foreach (var size in sizes)
        {
            var result = snapshots is null
                ? Child("e2e-case", size.ToString(CultureInfo.InvariantCulture))
                : Child("e2e-case", size.ToString(CultureInfo.InvariantCulture), Path.Combine(snapshots, size.ToString(CultureInfo.InvariantCulture)));
            if (result is null)
                return 1;
            results.Add(result);
        }
        Console.WriteLine();
        Console.WriteLine("| projects | indicators | import targets s | upload actuals s (uploads) | run s (CPU PostgreSQL / process) | run status | results | peak MiB import / upload / run | actuals rows |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(int)r["projects"]!:N0} | {(int)r["indicators"]!:N0} | {(double)r["importSeconds"]!:F1} | {(double)r["uploadSeconds"]!:F1} ({(int)r["uploads"]!}) | {(double)r["runSeconds"]!:F1} ({(double)r["runPostgresCpu"]!:F1} / {(double)r["runProcessCpu"]!:F1}) | {(string)r["status"]!} | {(int)r["results"]!:N0} | {(double)r["importPeakMiB"]!:F0} / {(double)r["uploadPeakMiB"]!:F0} / {(double)r["runPeakMiB"]!:F0} | {(int)r["rows"]!:N0} |"));
        }
        return 0;
    }

    public static int RunXlsx(string[] args)
    {
        var rows = 50_000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rows" && i + 1 < args.Length)
                rows = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else
            {
                Console.Error.WriteLine($"unknown argument: {args[i]}");
                return 2;
            }
        }
        Console.WriteLine($"upload-xlsx: {rows:N0} actuals rows in one XLSX through POST /api/actuals, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        var result = Child("upload-xlsx-case", rows.ToString(CultureInfo.InvariantCulture));
        if (result is null)
            return 1;
        Console.WriteLine();
        Console.WriteLine("| rows | projects | XLSX MiB | bad rows | refused upload s | errors listed | peak MiB | clean upload s | peak MiB |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {(int)result["rows"]!:N0} | {(int)result["projects"]!:N0} | {(double)result["xlsxMiB"]!:F1} | {(int)result["bad"]!:N0} | {(double)result["badSeconds"]!:F2} | {(int)result["errors"]!:N0} | {(double)result["badPeakMiB"]!:F0} | {(double)result["cleanSeconds"]!:F2} | {(double)result["cleanPeakMiB"]!:F0} |"));
        return 0;
    }

    /// <summary>Runs a case in a child process with server GC (the service's setting); its last line is RESULT + JSON.</summary>
    private static JsonObject? Child(string command, params string[] arguments)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(ServiceBench).Assembly.Location);
        start.ArgumentList.Add(command);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_gcServer"] = "1";
        using var process = Process.Start(start)!;
        JsonObject? result = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
                result = JsonNode.Parse(line["RESULT ".Length..])!.AsObject();
            else
                Console.WriteLine("  " + line);
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || result is null)
        {
            Console.Error.WriteLine($"{command} {string.Join(' ', arguments)} failed (exit {process.ExitCode})");
            return null;
        }
        return result;
    }

    // ---- in the child process -----------------------------------------------------------------------------------

    public static int RunCase(string[] args) =>
        RunCaseAsync(int.Parse(args[0], CultureInfo.InvariantCulture), args.Length > 1 ? args[1] : null).GetAwaiter().GetResult();

    public static int RunXlsxCase(string[] args) => RunXlsxCaseAsync(int.Parse(args[0], CultureInfo.InvariantCulture)).GetAwaiter().GetResult();

    /// <param name="snapshot">
    /// A folder for the cluster as it is after the uploads: taken there when missing, else the run starts from a copy
    /// of it (no generating, importing or uploading), so trying a change on the run costs the run alone.
    /// </param>
    private static async Task<int> RunCaseAsync(int size, string? snapshot)
    {
        var restore = snapshot is not null && File.Exists(Path.Combine(snapshot, Service.SnapshotResult));
        await using var service = await Service.StartAsync(restore ? snapshot : null);
        var memory = new PeakSampler();
        var result = restore
            ? JsonNode.Parse(File.ReadAllText(Path.Combine(snapshot!, Service.SnapshotResult)))!.AsObject()
            : await ImportAndUploadAsync(service, memory, size);
        if (restore)
            Console.WriteLine($"{size:N0} projects: targets and actuals from the snapshot {snapshot} (imported in {(double)result["importSeconds"]!:F1} s, uploaded in {(double)result["uploadSeconds"]!:F1} s)");
        else if (snapshot is not null)
            await service.SnapshotAsync(snapshot, result);
        GC.Collect();

        // BENCH_RUNS=2: the run again in the same process, as a service that has scored before runs it (its code
        // compiled by the JIT, its caches filled): what a run costs without the first run's warm-up.
        var runs = int.TryParse(Environment.GetEnvironmentVariable("BENCH_RUNS"), CultureInfo.InvariantCulture, out var count) ? count : 1;
        JsonNode status = null!;
        for (var attempt = 1; attempt <= runs; attempt++)
        {
            // The year-end run: started as the finance bureau starts it, timed until its status leaves queued/running.
            var pgBefore = SaveBench.PostgresCpu(service.Postmaster);
            var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
            service.Phases.Clear();
            memory.Phase();
            var gc = (Allocated: GC.GetTotalAllocatedBytes(), Pause: GC.GetTotalPauseDuration(),
                Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
            using var allocations = Environment.GetEnvironmentVariable("BENCH_ALLOCATIONS") == "1" ? new AllocationTypes() : null;
            allocations?.Start();
            var clock = Stopwatch.StartNew();
            var started = await service.Finance.PostAsync($"/api/evaluations?year={Generator.Year}&period=year-end", null);
            var body = await started.Content.ReadAsStringAsync();
            if (started.StatusCode != HttpStatusCode.Accepted)
                throw new InvalidOperationException($"POST /api/evaluations: {(int)started.StatusCode} {body}");
            var runId = (long)JsonNode.Parse(body)!["id"]!;
            while (true)
            {
                status = JsonNode.Parse(await service.Finance.GetStringAsync($"/api/evaluations/{runId}"))!;
                if ((string?)status["status"] is "succeeded" or "failed")
                    break;
                await Task.Delay(200);
            }
            result["runSeconds"] = clock.Elapsed.TotalSeconds;
            result["runPostgresCpu"] = (SaveBench.PostgresCpu(service.Postmaster) - pgBefore).TotalSeconds;
            result["runProcessCpu"] = (Process.GetCurrentProcess().TotalProcessorTime - selfBefore).TotalSeconds;
            result["runPeakMiB"] = memory.Phase();
            // Where the process's CPU goes besides the work: the collector (its pauses, and how much the run allocated).
            result["runAllocatedGiB"] = (GC.GetTotalAllocatedBytes() - gc.Allocated) / 1073741824.0;
            result["runGcPauseSeconds"] = (GC.GetTotalPauseDuration() - gc.Pause).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size:N0} projects: the run allocated {(double)result["runAllocatedGiB"]!:F1} GiB; collections gen0/gen1/gen2 {GC.CollectionCount(0) - gc.Gen0}/{GC.CollectionCount(1) - gc.Gen1}/{GC.CollectionCount(2) - gc.Gen2}, paused {(double)result["runGcPauseSeconds"]!:F1} s"));
            foreach (var (type, mib, share) in allocations?.Top(25) ?? [])
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocated {mib,9:F0} MiB {share,6:P1} {type}"));
            var phases = service.Phases.ToList();
            result["loadSeconds"] = phases.Sum(p => p.Load) / 1000.0;
            result["scoreSeconds"] = phases.Sum(p => p.Score) / 1000.0;
            result["saveSeconds"] = phases.Sum(p => p.Save) / 1000.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size:N0} projects: department jobs' time summed: load {(double)result["loadSeconds"]!:F1} s, score {(double)result["scoreSeconds"]!:F1} s, save {(double)result["saveSeconds"]!:F1} s"));
            result["status"] = (string?)status["status"];
            result["results"] = (int)status["results"]!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size:N0} projects: run {runId} {(string?)status["status"]} in {(double)result["runSeconds"]!:F1} s (CPU: PostgreSQL {(double)result["runPostgresCpu"]!:F1} s, this process {(double)result["runProcessCpu"]!:F1} s; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}), {(int)status["results"]!:N0} results{((string?)status["error"] is { } error ? ": " + error : "")}"));
        }
        Console.WriteLine("RESULT " + result.ToJsonString());
        return (string?)status["status"] == "succeeded" ? 0 : 1;
    }

    /// <summary>Imports the generated targets and uploads each department's actuals; returns the figures so far.</summary>
    private static async Task<JsonObject> ImportAndUploadAsync(Service service, PeakSampler memory, int size)
    {
        var result = new JsonObject { ["projects"] = size };
        var (targets, files, rowCount, indicators) = Files(size);
        result["indicators"] = indicators;

        // Targets: one flat CSV, as a finance bureau imports a year's tables.
        GC.Collect();
        var clock = Stopwatch.StartNew();
        memory.Phase();
        var imported = await service.PostFileAsync(service.Finance, "/api/targets", targets, "targets.csv", "text/csv");
        result["importSeconds"] = clock.Elapsed.TotalSeconds;
        result["importPeakMiB"] = memory.Phase();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0} projects: targets imported in {clock.Elapsed.TotalSeconds:F1} s ({(int)imported["created"]!:N0} created)"));

        // Actuals: each department uploads its own file with its own key, as the service expects them to.
        result["rows"] = rowCount;
        clock.Restart();
        foreach (var (department, file) in files)
        {
            var key = await service.KeyAsync(Roles.Department, department);
            await service.PostFileAsync(key, $"/api/actuals?year={Generator.Year}&period=year-end", file, "actuals.csv", "text/csv");
        }
        result["uploadSeconds"] = clock.Elapsed.TotalSeconds;
        result["uploads"] = files.Count;
        result["uploadPeakMiB"] = memory.Phase();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0} projects: {rowCount:N0} actuals rows uploaded by {files.Count} departments in {clock.Elapsed.TotalSeconds:F1} s"));
        return result;
    }

    /// <summary>The targets file and each department's actuals file (the generated tables themselves are not kept).</summary>
    private static (byte[] Targets, List<(string Department, byte[] File)> Actuals, int Rows, int Indicators) Files(int size)
    {
        var tables = new Generator().Tables(size).ToList();
        var csv = new MemoryStream();
        FlatTableWriter.WriteCsv(new StreamWriter(csv, FlatTableWriter.Utf8WithBom, leaveOpen: true) { AutoFlush = true }, tables, repeatProjectColumns: false);
        var rows = new ActualsGenerator().Rows(tables, Period.YearEnd).ToList();
        var files = rows.GroupBy(r => r.Department).Select(g => (g.Key, ActualsCsv(g))).ToList();
        return (csv.ToArray(), files, rows.Count, tables.Sum(t => t.Indicators.Count));
    }

    private static async Task<int> RunXlsxCaseAsync(int rowCount)
    {
        await using var service = await Service.StartAsync();
        var memory = new PeakSampler();
        var (targets, withBad, clean, projects, bad) = XlsxFiles(rowCount);
        await service.PostFileAsync(service.Finance, "/api/targets", targets, "targets.csv", "text/csv");
        var key = await service.KeyAsync(Roles.Department, XlsxDepartment);
        var result = new JsonObject { ["rows"] = rowCount, ["projects"] = projects, ["xlsxMiB"] = withBad.Length / 1048576.0, ["bad"] = bad };
        GC.Collect();

        memory.Phase();
        var clock = Stopwatch.StartNew();
        var refused = await service.Post(key, $"/api/actuals?year={Generator.Year}&period=year-end", withBad, "actuals.xlsx", XlsxType);
        result["badSeconds"] = clock.Elapsed.TotalSeconds;
        result["badPeakMiB"] = memory.Phase();
        var refusal = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        result["errors"] = refusal["errors"]?.AsArray().Count ?? 0;
        Console.WriteLine($"with {bad} bad rows: {(int)refused.StatusCode}, {refusal["errors"]?.AsArray().Count} errors listed in {clock.Elapsed.TotalSeconds:F2} s");

        clock.Restart();
        var accepted = await service.Post(key, $"/api/actuals?year={Generator.Year}&period=year-end", clean, "actuals.xlsx", XlsxType);
        result["cleanSeconds"] = clock.Elapsed.TotalSeconds;
        result["cleanPeakMiB"] = memory.Phase();
        Console.WriteLine($"clean: {(int)accepted.StatusCode} in {clock.Elapsed.TotalSeconds:F2} s");
        if (refused.StatusCode == HttpStatusCode.OK || accepted.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"bad file {(int)refused.StatusCode}, clean file {(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        Console.WriteLine("RESULT " + result.ToJsonString());
        return 0;
    }

    private const string XlsxDepartment = "南通市科学技术局";

    /// <summary>
    /// Enough projects for the rows (about 14 rows each), all of one department (one department's upload): the targets
    /// file, the actuals XLSX with 1 % bad rows and the same without them.
    /// </summary>
    private static (byte[] Targets, byte[] WithBad, byte[] Clean, int Projects, int Bad) XlsxFiles(int rowCount)
    {
        var tables = new List<TargetTable>();
        var rows = new List<ActualRow>();
        var generator = new ActualsGenerator { BadShare = ActualsGenerator.BenchBadShare };
        for (var index = 0; rows.Count < rowCount; index++)
        {
            var table = new Generator().Table(index);
            table = table with { Project = table.Project with { Department = XlsxDepartment } };
            tables.Add(table);
            rows.AddRange(generator.Rows(table, index, Period.YearEnd, rows.Count + 2).Take(rowCount - rows.Count));
        }
        var csv = new MemoryStream();
        FlatTableWriter.WriteCsv(new StreamWriter(csv, FlatTableWriter.Utf8WithBom, leaveOpen: true) { AutoFlush = true }, tables, repeatProjectColumns: false);
        var clean = rows.Where(r => !ActualsGenerator.IsBad(r)).ToList();
        return (csv.ToArray(), ActualsXlsx(rows), ActualsXlsx(clean), tables.Count, rows.Count - clean.Count);
    }

    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static string[] Cells(ActualRow row) =>
        [row.Year, row.Department, row.Project, row.Category, row.Subcategory, row.Indicator, "", row.Value, row.Deviation];

    /// <summary>Rows under the year-end template's header, as a department fills the template in.</summary>
    private static byte[] ActualsCsv(IEnumerable<ActualRow> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', ActualsTemplate.Columns(Period.YearEnd)).Append('\n');
        foreach (var row in rows)
            text.AppendJoin(',', Cells(row).Select(Quote)).Append('\n');
        return FlatTableWriter.Utf8WithBom.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    private static byte[] ActualsXlsx(List<ActualRow> rows)
    {
        var columns = ActualsTemplate.Columns(Period.YearEnd);
        var sheetRows = rows.Select(row =>
        {
            var cells = Cells(row);
            IDictionary<string, object?> sheetRow = new Dictionary<string, object?>(columns.Count);
            for (var i = 0; i < columns.Count; i++)
                sheetRow[columns[i]] = cells[i];
            return sheetRow;
        });
        var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, sheetRows, printHeader: true, sheetName: ActualsTemplate.SheetName(Period.YearEnd), excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    /// <summary>The service over a fresh throwaway cluster, with a finance key.</summary>
    private sealed class Service : IAsyncDisposable
    {
        private LocalPostgres _cluster = null!;
        private WebApplication _app = null!;
        private Uri _address = null!;

        public HttpClient Finance { get; private set; } = null!;

        /// <summary>Each department job's load, score and save milliseconds, from its log line.</summary>
        public ConcurrentQueue<(long Load, long Score, long Save)> Phases { get; } = new();

        /// <summary>The cluster's postmaster, whose processes' CPU the run is measured with.</summary>
        public int Postmaster => int.Parse(File.ReadLines(Path.Combine(_cluster.Folder, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);

        /// <summary>In a snapshot folder: the figures of the import and upload it was taken after.</summary>
        public const string SnapshotResult = "result.json";

        private const string SnapshotPassword = "password";

        /// <param name="snapshot">A folder <see cref="SnapshotAsync"/> filled: the cluster starts from a copy of it.</param>
        public static async Task<Service> StartAsync(string? snapshot = null)
        {
            var service = new Service();
            service._cluster = await LocalPostgres.StartAsync(Path.Combine(Path.GetTempPath(), "budgeteval-bench-pg"));
            var connectionString = service._cluster.ConnectionString("bench");
            if (snapshot is null)
                await service._cluster.CreateDatabaseAsync("bench");
            else
            {
                await service._cluster.StopServerAsync();
                var data = Path.Combine(service._cluster.Folder, "data");
                Directory.Delete(data, recursive: true);
                await Copy(Path.Combine(snapshot, "data"), data);
                await service._cluster.StartAgainAsync();
                connectionString = new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
                {
                    Password = File.ReadAllText(Path.Combine(snapshot, SnapshotPassword)),
                }.ConnectionString;
            }
            var builder = ServiceHost.CreateBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BudgetEvaluation"] = connectionString + Environment.GetEnvironmentVariable("BENCH_CONNECTION_EXTRA"),
                [ServiceOptions.BootstrapKeyVariable] = "",
                ["BudgetEvaluation:MaxRequestBytes"] = (1L << 30).ToString(CultureInfo.InvariantCulture),
                ["BudgetEvaluation:Jobs:QueuePollInterval"] = "00:00:00.200",
                ["BudgetEvaluation:Jobs:SchedulePollingInterval"] = "00:00:01",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole();
            builder.Logging.AddFilter((category, level) => level >= LogLevel.Warning
                || (category == typeof(DepartmentJob).FullName && level >= LogLevel.Information));
            builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>((_, level) => level >= LogLevel.Warning);
            builder.Logging.AddProvider(new PhaseLog(service.Phases));
            service._app = ServiceHost.Build(builder);
            await service._app.StartAsync();
            service._address = new Uri(service._app.Urls.Single());
            service.Finance = service.Client((await service._app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(Roles.Finance, null, "bench", Actor.System)).Key);
            return service;
        }

        /// <summary>Stops the cluster, copies its data folder (and password and <paramref name="result"/>) into <paramref name="snapshot"/>, starts it again.</summary>
        public async Task SnapshotAsync(string snapshot, JsonObject result)
        {
            // The service's pooled connections break with the restart: emptied so none is used broken.
            Npgsql.NpgsqlConnection.ClearAllPools();
            await _cluster.StopServerAsync();
            Directory.CreateDirectory(snapshot);
            await Copy(Path.Combine(_cluster.Folder, "data"), Path.Combine(snapshot, "data"));
            await _cluster.StartAgainAsync();
            File.WriteAllText(Path.Combine(snapshot, SnapshotPassword), _cluster.Password);
            File.WriteAllText(Path.Combine(snapshot, SnapshotResult), result.ToJsonString());
            Console.WriteLine($"snapshot taken: {snapshot}");
        }

        /// <summary><c>cp -a</c>: the data folder keeps its owner (the postgres user when we are root) and modes.</summary>
        private static async Task Copy(string from, string to)
        {
            using var copy = Process.Start(new ProcessStartInfo("cp", ["-a", from, to]))!;
            await copy.WaitForExitAsync();
            if (copy.ExitCode != 0)
                throw new InvalidOperationException($"cp -a {from} {to}: exit {copy.ExitCode}");
        }

        public async Task<HttpClient> KeyAsync(string role, string department) =>
            Client((await _app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(role, department, "bench", Actor.System)).Key);

        private HttpClient Client(string key)
        {
            var client = new HttpClient { BaseAddress = _address, Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            return client;
        }

        public async Task<HttpResponseMessage> Post(HttpClient client, string path, byte[] content, string fileName, string contentType)
        {
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            return await client.PostAsync(path, new MultipartFormDataContent { { file, "file", fileName } });
        }

        /// <summary>Posts a file; anything but 200 stops the bench with the service's answer.</summary>
        public async Task<JsonNode> PostFileAsync(HttpClient client, string path, byte[] content, string fileName, string contentType)
        {
            using var response = await Post(client, path, content, fileName, contentType);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 2000)]}");
            return JsonNode.Parse(body)!;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>The process's working set sampled every 50 ms: the highest since the last <see cref="Phase"/>, in MiB.</summary>
    private sealed class PeakSampler
    {
        private long _peak;

        public PeakSampler()
        {
            var thread = new Thread(() =>
            {
                using var process = Process.GetCurrentProcess();
                while (true)
                {
                    process.Refresh();
                    var current = process.WorkingSet64;
                    long seen;
                    do
                        seen = Interlocked.Read(ref _peak);
                    while (current > seen && Interlocked.CompareExchange(ref _peak, current, seen) != seen);
                    Thread.Sleep(50);
                }
            }) { IsBackground = true };
            thread.Start();
        }

        public double Phase()
        {
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var peak = Math.Max(Interlocked.Exchange(ref _peak, process.WorkingSet64), process.WorkingSet64);
            return peak / 1048576.0;
        }
    }

    /// <summary>Reads the department jobs' timing line (event 1416) by its structured values.</summary>
    private sealed class PhaseLog(ConcurrentQueue<(long Load, long Score, long Save)> phases) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(phases);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(long Load, long Score, long Save)> phases) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Id != 1416 || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
                    return;
                long Value(string name) => values.FirstOrDefault(v => v.Key == name).Value is long ms ? ms : 0;
                phases.Enqueue((Value("LoadMs"), Value("ScoreMs"), Value("SaveMs")));
            }
        }
    }
}
