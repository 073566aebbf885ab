using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>The result of uploading a rules file: the project and the version it now has.</summary>
public sealed record RulesUploadResult(string File, SavedProject Project);

public static class RulesApi
{
    public static RouteGroupBuilder MapRulesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/rules").WithTags("规则");
        group.MapPost("", UploadAsync)
            .RequireAuthorization(Policies.Finance)
            .Accepts<IFormFile>("multipart/form-data", "application/json", "application/octet-stream", "text/plain")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("上传一个项目的规则文件（rules/<年度>/<主管部门>/<项目名称>.json 的格式），保存为该项目的新规则版本")
            .WithDescription("保存前检查：表达式只能使用输入（actual、actuals、context）、局部参数、常量和允许的 Math 函数；" +
                "反射、文件、进程、环境变量、程序集加载等一律拒绝。规则文件的结构（两个工作流、每个指标一条规则）与编译也须通过。" +
                "有任何问题时返回 400 并列出每个问题（文件、工作流、规则、原因），什么也不保存。仅财政局可上传。");
        return group;
    }

    public static async Task<Results<Ok<RulesUploadResult>, ProblemHttpResult>> UploadAsync(
        HttpRequest request, Caller caller, RulesUpload rules, AuditLog audit, CancellationToken cancellationToken)
    {
        var (upload, error) = await Upload.ReadAsync(request, "rules", cancellationToken);
        if (upload is null)
            return Problems.BadRequest(error!);
        var check = await RulesUpload.CheckAsync(upload.Content, upload.FileName);
        if (!check.Succeeded)
        {
            await audit.WriteAsync(caller.Actor, "rules.upload", AuditOutcome.Rejected, upload.FileName,
                new { file = upload.FileName, errors = check.Failures.Count, first = check.Failures[0].ToString() }, cancellationToken);
            return InvalidRules($"规则文件“{upload.FileName}”有 {check.Failures.Count} 个问题，未保存任何规则", check.Failures);
        }
        var saved = await rules.SaveAsync(check, upload.FileName, caller.Actor, cancellationToken);
        return TypedResults.Ok(new RulesUploadResult(upload.FileName, saved));
    }

    /// <summary>400 listing every problem of a rules file: file, workflow, rule and the reason (naming the refused construct).</summary>
    private static ProblemHttpResult InvalidRules(string detail, IReadOnlyList<RuleFailure> failures) =>
        Problems.Create(StatusCodes.Status400BadRequest, detail, new Dictionary<string, object?>
        {
            ["errors"] = failures.Select(f => new { f.File, f.Workflow, f.Rule, f.Message, text = f.ToString() }).ToArray(),
        });
}
