using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BudgetEvaluation.Actuals;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs.Sources;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BudgetEvaluation.Tests.RunJobs;

/// <summary>A clock the tests set, to fire the recurring jobs on a chosen date.</summary>
public sealed class TestClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
}

/// <summary>Every log line of the host, with its event id.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Lines.Enqueue((eventId.Id, formatter(state, exception)));
    }
}

/// <summary>
/// A pull source the tests steer per year and 主管部门: down a number of times (or always), then delivering a file
/// through the upload path (as the real sources do); every call is recorded.
/// </summary>
public sealed class TestSource(IServiceProvider services) : IActualsSource
{
    public const string SourceName = "test-feed";

    /// <summary>Calls to fail with <see cref="SourceUnavailableException"/> before answering; -1: always.</summary>
    public ConcurrentDictionary<(int Year, string Department), int> Failures { get; } = new();

    /// <summary>The CSV to deliver once it answers.</summary>
    public ConcurrentDictionary<(int Year, string Department), string> Files { get; } = new();

    /// <summary>Run when it answers, before delivering (to look at the run meanwhile).</summary>
    public ConcurrentDictionary<(int Year, string Department), Func<PullRequest, Task>> OnAnswer { get; } = new();

    public ConcurrentQueue<(PullRequest Request, bool Answered)> Calls { get; } = new();

    public string Name => SourceName;

    public async Task<IReadOnlyList<PulledFile>> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        var key = (request.Year, request.Department);
        if (Failures.TryGetValue(key, out var left) && left != 0)
        {
            if (left > 0)
                Failures[key] = left - 1;
            Calls.Enqueue((request, false));
            throw new SourceUnavailableException(SourceName, "连接被拒绝");
        }
        Calls.Enqueue((request, true));
        if (OnAnswer.TryGetValue(key, out var onAnswer))
            await onAnswer(request);
        if (!Files.TryGetValue(key, out var csv))
            return [];
        var outcome = await services.GetRequiredService<ActualsUpload>().ProcessAsync(
            new NewUpload(request.Year, request.Period, $"{request.Department}.csv", "text/csv", Encoding.UTF8.GetBytes(csv), SourceName),
            request.DepartmentId, Actor.System, cancellationToken);
        return outcome is UploadOutcome.Accepted accepted
            ? [new PulledFile(SourceName, $"{request.Department}.csv", PullOutcome.Accepted, accepted.Upload.Id, [])]
            : throw new InvalidOperationException($"测试文件未被接受：{outcome}");
    }
}

/// <summary>
/// The service with a <see cref="TestClock"/>, a <see cref="TestSource"/>, chunks of 2 projects, retries 0.1 s apart
/// and configured deadlines. Every test uses a year of its own, with the seed spread over three departments.
/// </summary>
public sealed class RunsFixture : ServiceFixture
{
    public TestClock Clock { get; } = new();

    public TestSource Source { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("BudgetEvaluation:Jobs:ChunkSize", "2"),
        new("BudgetEvaluation:Jobs:RetryDelays:0", "00:00:00.100"),
        new("BudgetEvaluation:Jobs:RetryDelays:1", "00:00:00.100"),
        new("BudgetEvaluation:Jobs:RetryDelays:2", "00:00:00.100"),
        new("BudgetEvaluation:Jobs:Schedule:MidYearDeadline", "07-05"),
        new("BudgetEvaluation:Jobs:Schedule:YearEndDeadline", "01-15"),
    ];

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<ILoggerProvider>(Logs);
        services.AddSingleton<IActualsSource>(sp => new TestSource(sp));
    }

    protected override Task LoadAsync()
    {
        Source = (TestSource)App.Services.GetServices<IActualsSource>().Single();
        return Task.CompletedTask;
    }

    /// <summary>Imports the seed over three departments as <paramref name="year"/>; uploads the year-end fixture unless told not to.</summary>
    public async Task ImportAsync(int year, bool yearEnd = true, bool midYear = false)
    {
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.ThreeDepartments(year)))).EnsureSuccessStatusCode();
        if (yearEnd)
            await ActualsFiles.UploadAsync(client, year, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
        if (midYear)
            await ActualsFiles.UploadAsync(client, year, "mid-year", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.MidYearFile), ActualsFiles.MidYearFile));
    }

    /// <summary>Starts a run (202), waits until it finished and returns its view.</summary>
    public async Task<JsonNode> RunAsync(int year, string period)
    {
        using var client = Client(FinanceKey);
        var response = await client.PostAsync($"/api/evaluations?year={year}&period={period}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        return await Infrastructure.Runs.WaitAsync(client, (long)JsonNode.Parse(body)!["id"]!);
    }

    /// <summary>The year-end fixture's rows of some projects only (as a department's system would send them).</summary>
    public static string YearEndRowsOf(params string[] projects)
    {
        var lines = ActualsFiles.Text(ActualsFiles.YearEndFile).Split('\n');
        return string.Join('\n', lines.Take(1).Concat(lines.Skip(1).Where(l => projects.Any(p => l.StartsWith(p + ",", StringComparison.Ordinal))))) + "\n";
    }
}
