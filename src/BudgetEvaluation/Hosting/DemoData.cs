using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;
using Microsoft.Extensions.Options;

namespace BudgetEvaluation.Hosting;

/// <summary>
/// What a fresh local start shows: the seed's projects, and one key per role printed once on the console (keys
/// are never written to the log).
/// </summary>
public sealed partial class DemoData(
    IOptions<ServiceOptions> options,
    TargetImport import,
    ApiKeyStore keys,
    ILogger<DemoData> logger)
{
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var departments = await ImportSeedAsync(cancellationToken);
        // Keys even without the seed: without one nothing in the API can be reached.
        var lines = new List<string> { "演示用 API 密钥（只显示这一次；请求头 X-Api-Key）：" };
        if (!await keys.AnyActiveAsync(Roles.Finance, cancellationToken))
            lines.Add($"  finance     {(await keys.CreateAsync(Roles.Finance, null, "demo", Actor.System, cancellationToken)).Key}");
        foreach (var department in departments)
            lines.Add($"  department  {(await keys.CreateAsync(Roles.Department, department, "demo", Actor.System, cancellationToken)).Key}  （{department}）");
        lines.Add($"  auditor     {(await keys.CreateAsync(Roles.Auditor, null, "demo", Actor.System, cancellationToken)).Key}");
        await Console.Out.WriteLineAsync(string.Join(Environment.NewLine, lines));
    }

    /// <summary>Imports the seed's projects; returns their departments.</summary>
    private async Task<IReadOnlyList<string>> ImportSeedAsync(CancellationToken cancellationToken)
    {
        var seed = Locate(options.Value.SeedFile);
        if (seed is null)
        {
            Log.SeedMissing(logger, options.Value.SeedFile);
            return [];
        }
        var content = TargetImport.Read(seed);
        if (!content.Succeeded)
            throw new InvalidOperationException($"种子文件“{seed}”无法导入：\n{string.Join("\n", content.Errors)}");
        var saved = await import.SaveAsync(content, Path.GetFileName(seed), Actor.System, cancellationToken);
        Log.SeedLoaded(logger, saved.Count, seed);
        return saved.Select(p => p.Department).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The seed file: as given if absolute, else under the working folder or a folder above the executable.</summary>
    private static string? Locate(string path)
    {
        if (Path.IsPathRooted(path))
            return File.Exists(path) ? path : null;
        var candidates = new List<string> { Path.Combine(Environment.CurrentDirectory, path) };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            candidates.Add(Path.Combine(dir.FullName, path));
        return candidates.FirstOrDefault(File.Exists);
    }

    private static partial class Log
    {
        [LoggerMessage(1301, LogLevel.Information, "Demo data: {Count} projects from {Seed}")]
        public static partial void SeedLoaded(ILogger logger, int count, string seed);

        [LoggerMessage(1302, LogLevel.Warning, "Demo data: seed file {Seed} not found; starting without projects")]
        public static partial void SeedMissing(ILogger logger, string seed);
    }
}
