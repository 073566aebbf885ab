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
public sealed class DetailModel(EvaluationStore runs, RunDepartmentStore departments) : PageModel
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
        (await EvaluationsApi.StatusAsync(id, Caller.From(User)!, runs, departments, cancellationToken)).Result is Ok<EvaluationRunView> ok ? ok.Value : null;
}
