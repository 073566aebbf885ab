using System.Text.Json;
using System.Text.Json.Nodes;
using BudgetEvaluation.Api;
using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages.Runs;

/// <summary>
/// One scoring run: its status as <c>GET /api/evaluations/{id}</c> gives it (<see cref="EvaluationsApi.StatusAsync"/>,
/// counts within the caller's scope). While it is queued or running a small script polls <c>/runs/{id}/status</c>
/// (the same view as JSON: the API takes only keys, the pages only their session) and a meta refresh stands in without script.
/// </summary>
public sealed class DetailModel(EvaluationStore runs) : PageModel
{
    /// <summary>The view's fields this page shows itself; any other (a later version's) is listed generically.</summary>
    private static readonly HashSet<string> Known =
    [
        "id", "year", "period", "asOf", "scheme", "status", "requestedBy", "requestedAt", "startedAt", "finishedAt", "error",
        "projects", "results", "withoutActuals", "withProblems", "resultsUrl", "problems",
    ];

    public EvaluationRunView? Run { get; private set; }

    /// <summary>Fields of the view beyond <see cref="Known"/>, in its JSON form.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Extra { get; private set; } = [];

    /// <summary>The run's Hangfire job, for a link into the job dashboard.</summary>
    public string? JobId { get; private set; }

    public bool Finished => Run?.Status is RunStatus.Succeeded or RunStatus.Failed;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        Run = await ViewAsync(id, cancellationToken);
        if (Run is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        JobId = (await runs.GetRunAsync(id, cancellationToken))?.HangfireJobId;
        var node = JsonSerializer.SerializeToNode(Run, JsonSerializerOptions.Web)!.AsObject();
        Extra = node.Where(kv => !Known.Contains(kv.Key) && kv.Value is not null).ToList();
        return Page();
    }

    /// <summary>The run's view as JSON, for the page's script.</summary>
    public async Task<IActionResult> OnGetStatusAsync(long id, CancellationToken cancellationToken) =>
        await ViewAsync(id, cancellationToken) is { } view ? new JsonResult(view, JsonSerializerOptions.Web) : NotFound();

    private async Task<EvaluationRunView?> ViewAsync(long id, CancellationToken cancellationToken) =>
        (await EvaluationsApi.StatusAsync(id, Caller.From(User)!, runs, cancellationToken)).Result is Ok<EvaluationRunView> ok ? ok.Value : null;

    /// <summary>Chinese headings for the fields a later run view may add (per-department progress, late departments).</summary>
    public static string Label(string key) => key switch
    {
        "departments" => "各主管部门进度",
        "late" or "lateDepartments" => "逾期未完成的主管部门",
        "summary" => "汇总",
        "department" or "name" => "主管部门",
        "status" => "状态",
        "projects" => "项目数",
        "results" => "已完成",
        "withoutActuals" => "无实际完成值",
        "withProblems" => "有问题",
        "error" => "错误",
        "startedAt" => "开始时间",
        "finishedAt" => "完成时间",
        "dueAt" or "deadline" => "截止时间",
        _ => key,
    };

    /// <summary>A JSON value as text: a status in Chinese, anything else as written.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "—",
        JsonValue value when value.TryGetValue<string>(out var s) => WebText.RunStatus(s),
        JsonValue value => value.ToJsonString(),
        JsonArray array => string.Join("、", array.Select(Text)),
        _ => node.ToJsonString(),
    };
}
