using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Core.Import;

/// <summary>A project written to the rules folder.</summary>
public sealed record ImportedProject(int Year, string Department, string Name, int Indicators, string Path);

/// <summary>
/// Imports a target-table file into the rules folder, all or nothing: files are written to a staging folder
/// as the tables stream in, and moved into place only if the whole file imported without an error.
/// </summary>
public static class RulesImport
{
    public static (List<ImportedProject> Projects, List<ImportError> Errors) Run(string inputPath, string rulesRoot)
    {
        var errors = new List<ImportError>();
        var projects = new List<ImportedProject>();
        var staging = Path.Combine(rulesRoot, ".staging-" + Guid.NewGuid().ToString("N"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var import in TargetFiles.Read(inputPath))
            {
                if (!import.Succeeded)
                {
                    errors.AddRange(import.Errors);
                    continue;
                }
                var table = import.Table!;
                var relative = Path.GetRelativePath(rulesRoot, RulesFile.PathFor(rulesRoot, table.Project));
                if (!seen.Add(relative))
                {
                    errors.Add(new ImportError(Path.GetFileName(inputPath), import.Line, "项目名称",
                        $"项目“{table.Project.Name}”（{table.Project.Department}，{table.Project.Year}年度）在文件中出现了两次"));
                    continue;
                }
                if (errors.Count > 0)
                    continue; // keep reading to report every error, but stop writing
                RulesFile.Write(staging, table);
                projects.Add(new ImportedProject(table.Project.Year, table.Project.Department, table.Project.Name, table.Indicators.Count, Path.Combine(rulesRoot, relative)));
            }
            if (errors.Count > 0)
                return ([], errors);
            foreach (var project in projects)
            {
                var staged = Path.Combine(staging, Path.GetRelativePath(rulesRoot, project.Path));
                Directory.CreateDirectory(Path.GetDirectoryName(project.Path)!);
                File.Move(staged, project.Path, overwrite: true);
            }
            return (projects, errors);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }
}
