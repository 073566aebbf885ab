using System.Globalization;
using System.Text.Json.Nodes;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.RunJobs;

/// <summary>
/// Scoring runs fanned out per department (issue #5), against the real PostgreSQL and Hangfire server. The expected
/// scores are those <c>budgeteval score</c> computes from the rules and the Core tests' actuals fixtures.
/// </summary>
public partial class RunTests(RunsFixture service) : IClassFixture<RunsFixture>
{
    private const string TongChuangHui = "“通创荟”和科技招商经费专项";
    private const string Science = "南通市科学技术局";
    private const string Finance = "南通市财政局";
    private const string Industry = "南通市工业和信息化局";
    private const double Tolerance = 1e-9;

    private async Task<JsonArray> ResultsAsync(long run)
    {
        using var client = service.Client(service.FinanceKey);
        return (await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={run}"))).AsArray();
    }

    private static JsonNode Department(JsonNode view, string name) =>
        view["departments"]!.AsArray().Single(d => (string?)d!["department"] == name)!;

    private static Dictionary<string, int> Counts(JsonNode? counts) =>
        counts!.AsObject().ToDictionary(kv => kv.Key, kv => (int)kv.Value!);

    /// <summary>Every stored row of a run but ids and times: results and indicator scores, by project and position.</summary>
    private async Task<List<string>> RowsAsync(long run) =>
        await Database.QueryAsync<string>(service.ConnectionString,
            """
            SELECT concat_ws('|', p.name, r.rule_set_id, r.upload_id, r.total, r.grade, r.warning, r.result::text, r.problems::text,
                   (SELECT string_agg(concat_ws('~', s.position, s.indicator_path, s.target, s.actual, s.points, s.score, s.status, s.warning, s.explanation), '#' ORDER BY s.position)
                    FROM indicator_scores s WHERE s.result_id = r.id))
            FROM evaluation_results r JOIN projects p ON p.id = r.project_id WHERE r.run_id = @run ORDER BY p.name
            """, new { run });

    private static string Year(int year) => year.ToString(CultureInfo.InvariantCulture);
}
