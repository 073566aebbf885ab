using BudgetEvaluation.Jobs.Sources;

namespace BudgetEvaluation.Hosting;

/// <summary>The service's settings: section <c>BudgetEvaluation</c> of appsettings.json or environment variables
/// (<c>BudgetEvaluation__MaxRequestBytes</c>).</summary>
public sealed class ServiceOptions
{
    public const string Section = "BudgetEvaluation";

    /// <summary>The connection string's name: <c>ConnectionStrings__BudgetEvaluation</c>.</summary>
    public const string ConnectionStringName = "BudgetEvaluation";

    /// <summary>Environment variable whose value becomes a finance key when none exists.</summary>
    public const string BootstrapKeyVariable = "BUDGETEVAL_BOOTSTRAP_KEY";

    /// <summary>Where <c>serve</c> listens when no URL is configured (<c>ASPNETCORE_URLS</c> or <c>--urls</c>).</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Load the seed's projects and create demo keys at start-up. <c>serve</c> sets it when it started its own
    /// throwaway cluster; with a configured database it stays off, so nothing is loaded into real data.
    /// </summary>
    public bool LoadDemoData { get; set; }

    /// <summary>The seed file the demo loads, relative to the working folder (then to the executable's folders).</summary>
    public string SeedFile { get; set; } = "seeds/000_39cb5bcb496eb896.txt";

    /// <summary>
    /// The folder of demo actuals (<c>actuals-year-end.csv</c>, <c>actuals-mid-year.csv</c>) loaded and scored after the
    /// seed; found like <see cref="SeedFile"/>.
    /// </summary>
    public string DemoFolder { get; set; } = "demo";

    /// <summary>The folder of scoring schemes (<c>&lt;name&gt;.json</c>) that <c>?scheme=</c> names; found like <see cref="SeedFile"/>.</summary>
    public string SchemesFolder { get; set; } = "schemes";

    /// <summary>Largest request body accepted, in bytes; larger requests get 413.</summary>
    public long MaxRequestBytes { get; set; } = 10 * 1024 * 1024;

    public JobOptions Jobs { get; set; } = new();

    public SourcesOptions Sources { get; set; } = new();
}

/// <summary>Hangfire settings.</summary>
public sealed class JobOptions
{
    /// <summary>Run a Hangfire server in this process (the dashboard and enqueueing work without one).</summary>
    public bool Server { get; set; } = true;

    /// <summary>Worker threads; 0 leaves Hangfire's default.</summary>
    public int WorkerCount { get; set; }

    /// <summary>How often idle workers look for new jobs.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often delayed and recurring jobs are checked.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>After this long a job fetched by a worker that died (no heartbeat) is given to another worker.</summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A department's projects are scored and stored in chunks of this many (one transaction each).</summary>
    public int ChunkSize { get; set; } = 500;

    /// <summary>
    /// Waits before each retry of a department whose source is down or whose attempt failed; when they are used up the
    /// department is scored with the actuals already stored (and marked late). Unset: 1, 5 and 15 minutes.
    /// </summary>
    public TimeSpan[]? RetryDelays { get; set; }

    public IReadOnlyList<TimeSpan> Delays => RetryDelays is { Length: > 0 } delays
        ? delays
        : [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];

    public ScheduleOptions Schedule { get; set; } = new();
}

/// <summary>
/// The recurring runs, registered per open fiscal year (<c>fiscal_years.is_open</c>). Crons are Hangfire's five fields
/// in <see cref="TimeZone"/>; a cron fires every year, so each job checks that it fires in its own year.
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>Register the recurring jobs at start-up.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>IANA id (the Windows id fails where globalization is invariant).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The mid-year review (as of 30 June), in the fiscal year itself: default 10 July 02:00.</summary>
    public string MidYear { get; set; } = "0 2 10 7 *";

    /// <summary>The year-end scoring (as of 31 December), in the year after: default 20 January 02:00.</summary>
    public string YearEnd { get; set; } = "0 2 20 1 *";

    /// <summary>Reminders of missing mid-year actuals (logged): default 1–9 July 09:00, the days before the review.</summary>
    public string MidYearReminders { get; set; } = "0 9 1-9 7 *";

    /// <summary>Reminders of missing year-end actuals (logged): default 10–19 January 09:00 of the year after.</summary>
    public string YearEndReminders { get; set; } = "0 9 10-19 1 *";

    /// <summary>Deadline for mid-year actuals as <c>MM-dd</c> of the fiscal year (shown with reminders); unset: none.</summary>
    public string? MidYearDeadline { get; set; }

    /// <summary>Deadline for year-end actuals as <c>MM-dd</c> of the year after; unset: none.</summary>
    public string? YearEndDeadline { get; set; }
}
