using BudgetEvaluation.Actuals;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs;
using BudgetEvaluation.Scoring;
using BudgetEvaluation.Targets;
using Microsoft.Extensions.Options;

namespace BudgetEvaluation.Hosting;

/// <summary>
/// What a fresh local start shows: the seed's projects, demo actuals for both periods each scored once, and one key
/// per role printed once on the console (keys are never written to the log).
/// </summary>
public sealed partial class DemoData(
    IOptions<ServiceOptions> options,
    TargetImport import,
    ApiKeyStore keys,
    ActualsUpload uploads,
    ActualsStore actuals,
    EvaluationStore runs,
    EvaluationJob evaluation,
    ILogger<DemoData> logger)
{
    /// <summary>The demo actuals per period, in <see cref="ServiceOptions.DemoFolder"/>.</summary>
    public static readonly IReadOnlyList<(Period Period, string File)> ActualsFiles =
    [
        (Period.YearEnd, "actuals-year-end.csv"),
        (Period.MidYear, "actuals-mid-year.csv"),
    ];

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var (departments, years) = await ImportSeedAsync(cancellationToken);
        foreach (var year in years)
            await LoadActualsAsync(year, cancellationToken);
        // Keys even without the seed: without one nothing in the API can be reached.
        var lines = new List<string> { "演示用 API 密钥（只显示这一次；请求头 X-Api-Key）：" };
        if (!await keys.AnyActiveAsync(Roles.Finance, cancellationToken))
            lines.Add($"  finance     {(await keys.CreateAsync(Roles.Finance, null, "demo", Actor.System, cancellationToken)).Key}");
        foreach (var department in departments)
            lines.Add($"  department  {(await keys.CreateAsync(Roles.Department, department, "demo", Actor.System, cancellationToken)).Key}  （{department}）");
        lines.Add($"  auditor     {(await keys.CreateAsync(Roles.Auditor, null, "demo", Actor.System, cancellationToken)).Key}");
        await Console.Out.WriteLineAsync(string.Join(Environment.NewLine, lines));
    }

    /// <summary>Imports the seed's projects; returns their departments and years.</summary>
    private async Task<(IReadOnlyList<string> Departments, IReadOnlyList<int> Years)> ImportSeedAsync(CancellationToken cancellationToken)
    {
        var seed = ContentFiles.Locate(options.Value.SeedFile);
        if (seed is null || !File.Exists(seed))
        {
            Log.SeedMissing(logger, options.Value.SeedFile);
            return ([], []);
        }
        var content = TargetImport.Read(seed);
        if (!content.Succeeded)
            throw new InvalidOperationException($"种子文件“{seed}”无法导入：\n{string.Join("\n", content.Errors)}");
        var saved = await import.SaveAsync(content, Path.GetFileName(seed), Actor.System, cancellationToken);
        Log.SeedLoaded(logger, saved.Count, seed);
        return (saved.Select(p => p.Department).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            saved.Select(p => p.Year).Distinct().Order().ToArray());
    }

    /// <summary>
    /// Uploads the demo actuals of each period through the upload path the API uses, then scores them at once (the
    /// job run in place, before the server starts), so every endpoint has content. A database that already holds
    /// actuals for a period gets none.
    /// </summary>
    private async Task LoadActualsAsync(int year, CancellationToken cancellationToken)
    {
        foreach (var (period, fileName) in ActualsFiles)
        {
            if ((await actuals.HistoryAsync(year, period, cancellationToken: cancellationToken)).Count > 0)
                continue;
            var path = ContentFiles.Locate(Path.Combine(options.Value.DemoFolder, fileName));
            if (path is null || !File.Exists(path))
            {
                Log.ActualsMissing(logger, Path.Combine(options.Value.DemoFolder, fileName));
                continue;
            }
            var upload = new NewUpload(year, period, fileName, "text/csv", await File.ReadAllBytesAsync(path, cancellationToken), Source: "demo");
            var outcome = await uploads.ProcessAsync(upload, null, Actor.System, cancellationToken);
            if (outcome is UploadOutcome.Rejected rejected)
                throw new InvalidOperationException($"演示数据“{path}”无法导入：\n{string.Join("\n", rejected.Errors)}");
            if (outcome is not UploadOutcome.Accepted)
                continue;
            var runId = await runs.CreateRunAsync(year, period, Evaluator.DefaultAsOf(year, period), SchemeCatalog.DefaultName, Actor.System, "demo", cancellationToken);
            await evaluation.RunInPlaceAsync(runId, cancellationToken);
            Log.ActualsLoaded(logger, year, period.Code(), runId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1301, LogLevel.Information, "Demo data: {Count} projects from {Seed}")]
        public static partial void SeedLoaded(ILogger logger, int count, string seed);

        [LoggerMessage(1302, LogLevel.Warning, "Demo data: seed file {Seed} not found; starting without projects")]
        public static partial void SeedMissing(ILogger logger, string seed);

        [LoggerMessage(1303, LogLevel.Information, "Demo data: {Year} {Period} actuals loaded and scored in run {RunId}")]
        public static partial void ActualsLoaded(ILogger logger, int year, string period, long runId);

        [LoggerMessage(1304, LogLevel.Warning, "Demo data: actuals file {File} not found; no demo actuals for it")]
        public static partial void ActualsMissing(ILogger logger, string file);
    }
}
