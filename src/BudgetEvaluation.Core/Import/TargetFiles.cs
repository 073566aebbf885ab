namespace BudgetEvaluation.Core.Import;

/// <summary>Picks the importer for a target-table file by its extension.</summary>
public static class TargetFiles
{
    /// <summary>Streams the tables of a file: the official text form (.txt), or the flat form (.csv, .xlsx).</summary>
    public static IEnumerable<TableImport> Read(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".txt" or ".tsv" or "" => TargetTableTextImporter.Read(path),
            ".csv" => FlatTableImporter.ReadCsv(path),
            ".xlsx" => FlatTableImporter.ReadXlsx(path),
            _ => [new TableImport(null, [new ImportError(Path.GetFileName(path), 0, "文件类型", $"不支持的文件类型“{extension}”：请使用 .txt（目标表文本）、.csv 或 .xlsx")], 0)],
        };
    }
}
