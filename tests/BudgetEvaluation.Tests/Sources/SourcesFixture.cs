using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using BudgetEvaluation.Actuals;
using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs.Sources;
using BudgetEvaluation.Targets;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BudgetEvaluation.Tests.Sources;

/// <summary>
/// A migrated database to pull into. Each test seeds a year of its own (<see cref="SeedAsync"/>), so the uploads of one
/// test never make another's file "unchanged"; the sources are built by <see cref="SourceServices.AddActualsSources"/>.
/// </summary>
public sealed class SourcesFixture : IAsyncLifetime
{
    public const string Science = ServiceFixture.Department;
    public const string Finance = ServiceFixture.OtherDepartment;
    public const string TongChuangHui = ActualsFixture.TongChuangHui;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync();
        await Migrations.ApplyAsync(ConnectionString, NullLogger.Instance);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Imports the seed as <paramref name="year"/>: all twelve projects 南通市科学技术局's, or with <paramref name="split"/>
    /// “通创荟”和科技招商经费专项 under 南通市财政局. Returns the departments' ids by name.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> SeedAsync(int year, bool split = false)
    {
        await using var services = Services(new SourcesOptions());
        var text = split ? ActualsFixture.SplitSeed(year) : Seed.Text(year);
        var content = await TargetImport.ReadAsync(Encoding.UTF8.GetBytes(text), Seed.FileName);
        Assert.True(content.Succeeded, string.Join("\n", content.Errors));
        await services.GetRequiredService<TargetImport>().SaveAsync(content, Seed.FileName, Actor.System);
        var projects = services.GetRequiredService<ProjectStore>();
        var ids = new Dictionary<string, long>();
        foreach (var department in new[] { Science, Finance })
        {
            if (await projects.DepartmentIdAsync(department) is { } id)
                ids[department] = id;
        }
        return ids;
    }

    /// <summary>The services a scoring job has: the data stores, the upload path and the configured sources.</summary>
    public ServiceProvider Services(SourcesOptions options, ILoggerProvider? logs = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:BudgetEvaluation"] = ConnectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
                b.AddProvider(logs);
        });
        services.AddData(configuration);
        services.AddSingleton<TargetImport>();
        services.AddSingleton<StoredProjects>();
        services.AddSingleton<ActualsUpload>();
        services.AddActualsSources(options);
        return services.BuildServiceProvider();
    }

    public async Task<long> UploadCountAsync(int year) =>
        await Database.ScalarAsync<long>(ConnectionString, "SELECT count(*) FROM actuals_uploads WHERE year = @year", new { year });
}

/// <summary>The demo actuals as departments' systems would write them.</summary>
public static class PulledActuals
{
    /// <summary>demo/actuals-year-end.csv: 179 rows of the seed's twelve projects, no 主管部门 column.</summary>
    public static string YearEndCsv => ActualsFiles.Text(ActualsFiles.YearEndFile);

    /// <summary>The header and the rows of one project.</summary>
    public static string OnlyProject(string csv, string project) =>
        string.Join("\n", Lines(csv).Where((line, i) => i == 0 || line.StartsWith(project + ",", StringComparison.Ordinal))) + "\n";

    /// <summary>The rows without one project's.</summary>
    public static string WithoutProject(string csv, string project) =>
        string.Join("\n", Lines(csv).Where(line => !line.StartsWith(project + ",", StringComparison.Ordinal))) + "\n";

    /// <summary>A 主管部门 column in front, naming <paramref name="department"/> on every row.</summary>
    public static string WithDepartment(string csv, string department) =>
        string.Join("\n", Lines(csv).Select((line, i) => (i == 0 ? "主管部门" : department) + "," + line)) + "\n";

    /// <summary>The CSV as the upload API's JSON: one object per row, the column names as field names.</summary>
    public static string ToJson(string csv)
    {
        var lines = Lines(csv);
        var header = lines[0].Split(',');
        var rows = new JsonArray();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var row = new JsonObject();
            for (var i = 0; i < header.Length; i++)
                row[header[i]] = cells[i];
            rows.Add(row);
        }
        return rows.ToJsonString();
    }

    private static List<string> Lines(string csv) =>
        csv.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
}

/// <summary>A temporary drop folder, deleted afterwards.</summary>
public sealed class DropFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("budgeteval-drop-").FullName;

    public string Processed => System.IO.Path.Combine(Path, "processed");

    public string Rejected => System.IO.Path.Combine(Path, "rejected");

    public SourcesOptions Options(Action<DropFolderOptions>? change = null)
    {
        var options = new DropFolderOptions { Path = Path, SettleTime = TimeSpan.Zero };
        change?.Invoke(options);
        return new SourcesOptions { DropFolder = options };
    }

    public string Write(string fileName, string text) => Write(fileName, Encoding.UTF8.GetBytes(text));

    public string Write(string fileName, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The names of the files directly in <paramref name="folder"/> (default the drop folder), sorted; dot-files, which the source never takes, left out.</summary>
    public string[] Files(string? folder = null) =>
        Directory.Exists(folder ?? Path)
            ? Directory.GetFiles(folder ?? Path).Select(f => System.IO.Path.GetFileName(f)!).Where(f => !f.StartsWith('.')).Order(StringComparer.Ordinal).ToArray()
            : [];

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>
/// Makes a folder unwritable to this process: <c>chmod 0555</c> for an ordinary user; as root, who ignores the mode
/// bits, <c>chattr +i</c> (ext4, xfs, btrfs). Null if neither stops a write here.
/// </summary>
public sealed class ReadOnlyFolder : IDisposable
{
    private readonly string path;
    private readonly bool immutable;

    private ReadOnlyFolder(string path, bool immutable)
    {
        this.path = path;
        this.immutable = immutable;
    }

    public string How => immutable ? "chattr +i" : "chmod 0555";

    public static ReadOnlyFolder? TryMake(string path)
    {
        if (OperatingSystem.IsWindows())
            return null;
        var mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (!Writable(path))
            return new ReadOnlyFolder(path, immutable: false);
        File.SetUnixFileMode(path, mode);
        if (Chattr("+i", path) && !Writable(path))
            return new ReadOnlyFolder(path, immutable: true);
        Chattr("-i", path);
        return null;
    }

    public void Dispose()
    {
        if (immutable)
            Chattr("-i", path);
        else if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool Writable(string folder)
    {
        var probe = System.IO.Path.Combine(folder, ".probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Chattr(string flag, string folder)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", [flag, folder]) { RedirectStandardError = true, UseShellExecute = false })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>A department's actuals feed: a real Kestrel server on a free loopback port answering as <c>handle</c> says.</summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private FeedServer(Func<HttpContext, int, Task> handle)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Run(context =>
        {
            var attempt = Interlocked.Increment(ref requests);
            Seen.Enqueue((context.Request.QueryString.Value ?? "", context.Request.Headers["X-Api-Key"].ToString()));
            return handle(context, attempt);
        });
    }

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Each request's query string and X-Api-Key.</summary>
    public ConcurrentQueue<(string Query, string Key)> Seen { get; } = new();

    public string Url => app.Urls.Single() + "/actuals";

    /// <param name="handle">Answers a request; the second argument counts requests from 1.</param>
    public static async Task<FeedServer> StartAsync(Func<HttpContext, int, Task> handle)
    {
        var server = new FeedServer(handle);
        await server.app.StartAsync();
        return server;
    }

    public static Task Json(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Every log message written, at every level, to check what reaches the log.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Messages.Enqueue($"{logLevel} {category} {eventId.Id}: {formatter(state, exception)} {exception}");
    }
}
