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
}
