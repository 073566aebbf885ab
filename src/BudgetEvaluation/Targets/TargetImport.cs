using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;

namespace BudgetEvaluation.Targets;

/// <summary>Every table of a target file, or every error in it.</summary>
public sealed record TargetFileContent(IReadOnlyList<TargetTable> Tables, IReadOnlyList<ImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Imports a target-table file into the database, all or nothing: Core's importers read it
/// (<see cref="TargetFiles"/>), <see cref="ProjectStore"/> versions the projects in one transaction.
/// </summary>
public sealed class TargetImport(ProjectStore projects)
{
    /// <summary>Reads a file on disk; the format follows its extension, as for <c>budgeteval import</c>.</summary>
    public static TargetFileContent Read(string path)
    {
        var tables = new List<TargetTable>();
        var errors = new List<ImportError>();
        var seen = new HashSet<(int, string, string)>();
        foreach (var import in TargetFiles.Read(path))
        {
            if (!import.Succeeded)
            {
                errors.AddRange(import.Errors);
                continue;
            }
            var project = import.Table!.Project;
            if (!seen.Add((project.Year, project.Department, project.Name)))
            {
                errors.Add(new ImportError(Path.GetFileName(path), import.Line, "项目名称",
                    $"项目“{project.Name}”（{project.Department}，{project.Year}年度）在文件中出现了两次"));
                continue;
            }
            tables.Add(import.Table);
        }
        return new TargetFileContent(errors.Count == 0 ? tables : [], errors);
    }

    /// <summary>
    /// Reads uploaded bytes. They go to a private temporary folder under their own file name, so the importers
    /// pick the format by extension and name the file in their errors as the user knows it.
    /// </summary>
    public static async Task<TargetFileContent> ReadAsync(ReadOnlyMemory<byte> content, string fileName, CancellationToken cancellationToken = default)
    {
        var folder = Directory.CreateTempSubdirectory("budgeteval-targets-");
        try
        {
            var path = Path.Combine(folder.FullName, fileName);
            await File.WriteAllBytesAsync(path, content, cancellationToken);
            return Read(path);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Stores the tables; see <see cref="ProjectStore.SaveAsync"/>.</summary>
    public Task<IReadOnlyList<SavedProject>> SaveAsync(TargetFileContent content, string fileName, Actor actor, CancellationToken cancellationToken = default) =>
        projects.SaveAsync(content.Tables, fileName, actor, cancellationToken);
}
