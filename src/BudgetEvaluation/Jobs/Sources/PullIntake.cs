using BudgetEvaluation.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Data;

namespace BudgetEvaluation.Jobs.Sources;

/// <summary>
/// Stores one file a source brought, the way the upload API does (<see cref="ActualsUpload.ProcessAsync"/>, scoped to
/// the department), unless the same bytes from the same source are already stored for the year and period.
/// </summary>
/// <remarks>Call it under the source's <see cref="PullLock"/>: the look-up and the store must not interleave with another pull's.</remarks>
public sealed class PullIntake(ActualsUpload uploads, ActualsStore store)
{
    /// <summary>Who a pulled upload is recorded as (<c>uploaded_by</c>, audit log).</summary>
    public static Actor ActorFor(string source, string department) => new("source:" + source, "source", department);

    public async Task<PulledFile> StoreAsync(
        string source, PullRequest request, string fileName, string? contentType, byte[] content, CancellationToken cancellationToken)
    {
        if (await store.FindIdenticalAsync(request.Year, request.Period, source, content, cancellationToken) is { } earlier)
            return new PulledFile(source, fileName, PullOutcome.Unchanged, earlier.Id, []);

        var upload = new NewUpload(request.Year, request.Period, fileName, contentType, content, Source: source);
        var outcome = await uploads.ProcessAsync(upload, request.DepartmentId, ActorFor(source, request.Department), cancellationToken);
        return outcome switch
        {
            UploadOutcome.Accepted accepted => new PulledFile(source, fileName, PullOutcome.Accepted, accepted.Upload.Id, []),
            UploadOutcome.Rejected rejected => Rejected(source, fileName, rejected.Errors),
            UploadOutcome.Foreign foreign => Rejected(source, fileName, foreign.Rows),
            _ => Rejected(source, fileName,
                [new ImportError(fileName, 0, "主管部门", $"{request.Year} 年度主管部门“{request.Department}”没有任何项目，无法接收实际完成值")]),
        };
    }

    public static PulledFile Rejected(string source, string fileName, IReadOnlyList<ImportError> errors) =>
        new(source, fileName, PullOutcome.Rejected, null, errors);
}
