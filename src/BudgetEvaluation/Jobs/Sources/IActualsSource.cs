using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Jobs.Sources;

/// <summary>One department's actuals for one period, as a run asks a source for them.</summary>
public sealed record PullRequest(long RunId, int Year, Period Period, long DepartmentId, string Department);

/// <summary>What happened to one file a source brought.</summary>
/// <param name="Outcome">One of <see cref="PullOutcome"/>.</param>
/// <param name="UploadId">The stored upload (accepted, or unchanged: the earlier identical one).</param>
public sealed record PulledFile(string Source, string FileName, string Outcome, long? UploadId, IReadOnlyList<ImportError> Errors);

public static class PullOutcome
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    /// <summary>The same bytes from the same source were stored before: no new version.</summary>
    public const string Unchanged = "unchanged";
}

/// <summary>
/// A place a scoring run pulls actuals from besides the upload API (the uploads already stored are always used).
/// Every file a source brings goes through <see cref="Actuals.ActualsUpload"/> like an upload — validated against
/// the current rules, scoped to the department, stored whole or not at all — so scoring only ever reads stored,
/// versioned actuals.
/// </summary>
/// <remarks>
/// New sources are a class registered as <see cref="IActualsSource"/>; the run asks each registered one per department.
/// A source that cannot be reached throws <see cref="SourceUnavailableException"/>: the department's job retries
/// with back-off and the run lists the department as late. A pull must be safe to repeat (a retried job pulls again).
/// </remarks>
public interface IActualsSource
{
    /// <summary>Stored as the upload's source (<c>actuals_uploads.source</c>).</summary>
    string Name { get; }

    Task<IReadOnlyList<PulledFile>> PullAsync(PullRequest request, CancellationToken cancellationToken);
}

/// <summary>A source could not be reached (time-out, connection refused, server error) — worth retrying later.</summary>
public sealed class SourceUnavailableException(string source, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string SourceName { get; } = source;
}
