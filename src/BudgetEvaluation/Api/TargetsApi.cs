using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>The result of importing a target file.</summary>
public sealed record TargetImportResult(string File, int Created, int Versioned, int Unchanged, IReadOnlyList<SavedProject> Projects);

public static class TargetsApi
{
    public static RouteGroupBuilder MapTargetsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/targets").WithTags("目标表");
        group.MapPost("", ImportAsync)
            .RequireAuthorization(Policies.Finance)
            // One list: each Accepts call replaces the content types the endpoint matches (others get 415).
            .Accepts<IFormFile>("multipart/form-data", Upload.RawContentTypes)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("导入目标表文件（.txt 目标表文本，或 .csv/.xlsx 平表）：新建项目，或为内容有变化的项目增加规则版本")
            .WithDescription("整个文件要么全部导入，要么（有任何错误时）什么也不导入，并列出每个错误。");
        return group;
    }

    public static async Task<Results<Ok<TargetImportResult>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, Caller caller, TargetImport import, AuditLog audit, CancellationToken cancellationToken)
    {
        var (upload, error) = await Upload.ReadAsync(request, "targets", cancellationToken);
        if (upload is null)
            return Problems.BadRequest(error!);
        var content = await TargetImport.ReadAsync(upload.Content, upload.FileName, cancellationToken);
        if (!content.Succeeded)
        {
            await audit.WriteAsync(caller.Actor, "targets.import", AuditOutcome.Rejected, upload.FileName,
                new { file = upload.FileName, errors = content.Errors.Count }, cancellationToken);
            return Problems.InvalidFile($"目标表文件“{upload.FileName}”有 {content.Errors.Count} 个错误，未导入任何项目", content.Errors);
        }
        var saved = await import.SaveAsync(content, upload.FileName, caller.Actor, cancellationToken);
        return TypedResults.Ok(new TargetImportResult(
            upload.FileName,
            saved.Count(p => p.Change == ProjectChange.Created),
            saved.Count(p => p.Change == ProjectChange.Versioned),
            saved.Count(p => p.Change == ProjectChange.Unchanged),
            saved));
    }
}
