namespace BudgetEvaluation.Jobs.Sources;

/// <summary>
/// The pull sources besides the stored uploads: section <c>BudgetEvaluation:Sources</c>
/// (<c>BudgetEvaluation__Sources__DropFolder__Path</c>, <c>BudgetEvaluation__Sources__HttpFeeds__0__Url</c>, …).
/// Nothing configured means no source is registered.
/// </summary>
public sealed class SourcesOptions
{
    public DropFolderOptions DropFolder { get; set; } = new();

    /// <summary>One JSON feed per 主管部门.</summary>
    public List<HttpFeedOptions> HttpFeeds { get; set; } = [];

    /// <summary>Largest file or feed response taken, in bytes (the upload API's default limit); a larger one is rejected.</summary>
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>A folder departments' systems write actuals files (CSV, XLSX, JSON) into.</summary>
public sealed class DropFolderOptions
{
    /// <summary>The folder; empty turns the source off.</summary>
    public string Path { get; set; } = "";

    /// <summary>Where stored files go; default <c>&lt;Path&gt;/processed</c>.</summary>
    public string? ProcessedPath { get; set; }

    /// <summary>Where refused files go, each with <c>&lt;name&gt;.errors.txt</c> beside it; default <c>&lt;Path&gt;/rejected</c>.</summary>
    public string? RejectedPath { get; set; }

    /// <summary>A file modified more recently than this is taken as still being written and left for the next pull.</summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Path);
}

/// <summary>A department's HTTP feed: <c>GET {Url}?year=2026&amp;period=mid-year|year-end</c> answering actuals JSON.</summary>
public sealed class HttpFeedOptions
{
    /// <summary>The 主管部门 whose actuals the feed serves, as named in the target tables.</summary>
    public string Department { get; set; } = "";

    public string Url { get; set; } = "";

    /// <summary>Sent in the <c>X-Api-Key</c> header; never logged. Empty sends no header.</summary>
    public string Key { get; set; } = "";

    /// <summary>Time allowed for each attempt (until the response headers, and again for the body).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a failed attempt (connection refused, time-out, 408, 429, 5xx); 0 tries once.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>Wait before the first retry; it doubles (with jitter) for each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
