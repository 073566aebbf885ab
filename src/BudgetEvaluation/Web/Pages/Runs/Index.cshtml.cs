using BudgetEvaluation.Api;
using BudgetEvaluation.Web.Runs;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BudgetEvaluation.Web.Pages.Runs;

/// <summary>评价批次: the latest scoring runs with their status; finance starts a new one from here.</summary>
public sealed class IndexModel(RunList runs) : PageModel
{
    public const int Shown = 30;

    public Caller Caller { get; private set; } = null!;

    public IReadOnlyList<RunLine> Runs { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Caller = Caller.From(User)!;
        Runs = await runs.LatestAsync(Shown, cancellationToken);
    }
}
