using System.Text.Json;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>
/// Stores an upload of actuals and a succeeded evaluation run the way the service keeps them: the projects' current
/// rules from the database, scored by Core's <see cref="Evaluator"/> against an actuals fixture.
/// </summary>
public static class Evaluations
{
    /// <summary>The Core tests' actuals fixtures, copied beside the test binaries.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    /// <summary>Uploads <paramref name="actualsFixture"/> for the year and period, scores every project of the year and stores the run; returns its id.</summary>
    public static async Task<long> RunAsync(IServiceProvider services, int year, Period period, string actualsFixture)
    {
        var projectStore = services.GetRequiredService<ProjectStore>();
        var stored = await projectStore.CurrentRulesAsync(year, null);
        var projects = stored.Select(r => RulesProject.Parse(r.RulesText, $"project:{r.ProjectId}")).ToList();
        var path = Fixture(actualsFixture);
        var (rows, readErrors) = ActualsFile.Read(path);
        var set = ActualsSet.Match(rows, projects, period, actualsFixture);
        var errors = readErrors.Concat(set.Errors).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException(string.Join("\n", errors));

        var upload = await services.GetRequiredService<ActualsStore>().SaveAsync(
            new NewUpload(year, period, actualsFixture, "text/csv", await File.ReadAllBytesAsync(path)),
            UploadRows(rows, stored, projects), Actor.System);

        var scheme = ScoringScheme.Default;
        var asOf = Evaluator.DefaultAsOf(year, period);
        var evaluations = await new Evaluator(scheme).EvaluateAsync(projects, set, period, asOf);
        var store = services.GetRequiredService<EvaluationStore>();
        var runId = await store.CreateRunAsync(year, period, asOf, scheme.Name, Actor.System);
        await store.MarkRunningAsync(runId);
        for (var i = 0; i < evaluations.Count; i++)
        {
            var e = evaluations[i];
            var reported = set.For(projects[i]).Indicators.Count > 0 || set.For(projects[i]).Spent is not null;
            await store.SaveResultAsync(runId, new ProjectResult(
                stored[i].ProjectId, stored[i].RuleSetId, reported ? upload.Id : null,
                (decimal?)e.TotalScore, e.Grade, e.Warning, JsonSerializer.Serialize(e, EvaluationJson.Options),
                e.Indicators.Select(x => new IndicatorScoreRecord(
                    $"{x.Category}/{x.Subcategory}/{x.Indicator}", x.Target, x.Actual, (decimal)x.Weight, (decimal)x.Score, x.Status, x.Warning, x.Explanation)).ToList()));
        }
        await store.MarkFinishedAsync(runId, null);
        return runId;
    }

    /// <summary>Each file row as stored: its project and indicator path (<c>项目资金/执行数</c> for spending).</summary>
    private static List<ActualRowRecord> UploadRows(List<ActualRow> rows, IReadOnlyList<StoredRules> stored, List<RulesProject> projects)
    {
        var records = new List<ActualRowRecord>();
        foreach (var row in rows)
        {
            var index = projects.FindIndex(p => ActualsSet.NameKey(p.Project.Name) == ActualsSet.NameKey(row.Project));
            if (index < 0)
                continue;
            string? path = row.IsSpending
                ? "项目资金/执行数"
                : projects[index].Table.Indicators.FirstOrDefault(i => ActualsSet.NameKey(i.Name) == ActualsSet.NameKey(row.Indicator))?.Path;
            if (path is null || row.Value.Length == 0)
                continue;
            records.Add(new ActualRowRecord(row.Line, stored[index].ProjectId, path, row.Value, row.Deviation, row.DeviationType, row.Likelihood));
        }
        return records;
    }
}
