using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Data;
using BudgetEvaluation.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BudgetEvaluation.Api;

/// <summary>RFC 7807 problem details with Chinese titles and messages.</summary>
public static class Problems
{
    public static string Title(int status) => status switch
    {
        400 => "请求有误",
        401 => "未认证",
        403 => "无权访问",
        404 => "未找到",
        405 => "不支持的请求方法",
        409 => "冲突",
        413 => "请求体过大",
        415 => "不支持的内容类型",
        500 => "服务器内部错误",
        503 => "服务不可用",
        _ => $"错误 {status}",
    };

    public static string RoleName(string? role) => role switch
    {
        Roles.Finance => "财政局（finance）",
        Roles.Department => "主管部门（department）",
        Roles.Auditor => "审计（auditor）",
        _ => "未知",
    };

    public static ProblemHttpResult Create(int status, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: Title(status), extensions: extensions);

    public static ProblemHttpResult BadRequest(string detail) => Create(StatusCodes.Status400BadRequest, detail);

    public static ProblemHttpResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, detail);

    /// <summary>400 listing every error of an input file (file, line, field, message).</summary>
    public static ProblemHttpResult InvalidFile(string detail, IReadOnlyList<ImportError> errors) =>
        Create(StatusCodes.Status400BadRequest, detail, new Dictionary<string, object?>
        {
            ["errors"] = errors.Select(e => new { e.File, e.Line, e.Field, e.Message, text = e.ToString() }).ToArray(),
        });

    /// <summary>403 for a request outside the caller's department; the refusal is the request's only trace.</summary>
    public static async Task<ProblemHttpResult> ForbiddenAsync(HttpContext context, AuditLog audit, Caller caller, string detail)
    {
        await audit.WriteAsync(caller.Actor, "request.refused", AuditOutcome.Forbidden, ApiKeyAuthenticationHandler.RequestLine(context.Request),
            new { status = 403, reason = detail }, CancellationToken.None);
        return Create(StatusCodes.Status403Forbidden, detail);
    }

    /// <summary>Gives the framework's own problems (404, 405, 413, 500, bad parameters) Chinese titles and messages.</summary>
    public static void Localize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (problem.Title is null || !problem.Title.Any(IsChinese))
            problem.Title = Title(status);
        if (problem.Detail is null || !problem.Detail.Any(IsChinese))
        {
            var request = context.HttpContext.Request;
            problem.Detail = status switch
            {
                400 => "请求参数有误",
                404 => $"没有这个地址：{request.Path}",
                405 => $"地址 {request.Path} 不支持 {request.Method} 请求",
                413 => $"请求体超过上限 {context.HttpContext.RequestServices.GetRequiredService<IOptions<ServiceOptions>>().Value.MaxRequestBytes} 字节",
                415 => "不支持请求的内容类型",
                500 => "服务器内部错误，请稍后重试；如果问题持续，请联系管理员",
                503 when IsDatabaseUnavailable(context.Exception) => DatabaseUnavailable,
                _ => problem.Title,
            };
        }
    }

    /// <summary>
    /// Status for an unhandled exception: a request the server refused to read keeps its own (413 for a body too
    /// large); the database gone (restarted, unreachable) is 503, since the request may simply be tried again.
    /// </summary>
    public static int StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        _ when IsDatabaseUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static bool IsDatabaseUnavailable(Exception? exception) => DatabaseFaults.IsConnectionLost(exception);

    /// <summary>What a request cut off by the database is told: each change is one transaction, so nothing of it is half stored.</summary>
    public const string DatabaseUnavailable =
        "数据库连接中断（数据库可能正在重启），请求未能完成，请稍后重试。每次导入或上传都在一个事务中保存：要么完整保存，要么什么也没有保存；如不确定，可查看上传历史。";

    private static bool IsChinese(char c) => c is >= '\u4e00' and <= '\u9fff';
}

/// <summary>
/// Empties the connection pool when a request failed on a lost database connection, so the requests after it get fresh
/// connections; the problem details are then written as for any exception (503, see <see cref="Problems.StatusFor"/>).
/// </summary>
public sealed class DatabaseFaultHandler(Npgsql.NpgsqlDataSource dataSource) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (DatabaseFaults.IsConnectionLost(exception))
            dataSource.Clear();
        return ValueTask.FromResult(false);
    }
}
