using System.Globalization;
using BudgetEvaluation.Core.Import;
using CsvHelper;
using CsvHelper.Configuration;
using MiniExcelLibs;

namespace BudgetEvaluation.Core.Actuals;

/// <summary>Reads actuals files: CSV (UTF-8 with or without BOM, or GB18030/GBK) and XLSX, columns by header name.</summary>
public static class ActualsFile
{
    private static readonly string[] Known =
    [
        ActualsColumns.Year, ActualsColumns.Department, ActualsColumns.Project, ActualsColumns.Category, ActualsColumns.Subcategory,
        ActualsColumns.Indicator, ActualsColumns.Value, ActualsColumns.Deviation, ActualsColumns.DeviationType, ActualsColumns.Likelihood,
    ];

    public static (List<ActualRow> Rows, List<ImportError> Errors) Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path));
    }

    public static (List<ActualRow> Rows, List<ImportError> Errors) Read(Stream stream, string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        try
        {
            return extension switch
            {
                ".xlsx" => ReadRecords(ReadXlsx(stream), fileName),
                ".csv" or ".txt" => ReadRecords(ReadCsv(stream), fileName),
                _ => ([], [new ImportError(fileName, 0, "文件类型", $"不支持的文件类型“{extension}”：请上传 .xlsx 或 .csv")]),
            };
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or System.Xml.XmlException or System.Text.DecoderFallbackException or CsvHelperException or InvalidOperationException or ArgumentException)
        {
            return ([], [new ImportError(fileName, 0, "文件", $"文件无法读取（{Describe(ex)}）：请确认是有效的 .xlsx 或 .csv 文件")]);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        System.Text.DecoderFallbackException => "编码无法识别，请保存为 UTF-8 或 GB18030",
        InvalidDataException or System.Xml.XmlException => "不是有效的 Excel 文件或已损坏",
        _ => ex.GetType().Name,
    };

    /// <summary>Header names as people write them: spaces, full-width brackets and (程) removed.</summary>
    public static string NormalizeHeader(string header) =>
        header.Trim().Trim('\uFEFF').Replace(" ", "", StringComparison.Ordinal).Replace("\u3000", "", StringComparison.Ordinal)
            .Replace("（程）", "", StringComparison.Ordinal).Replace("(程)", "", StringComparison.Ordinal);

    private static IEnumerable<(int Line, string[] Cells)> ReadCsv(Stream stream)
    {
        using var reader = TextDecoding.OpenReader(stream);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false, BadDataFound = null, MissingFieldFound = null, DetectDelimiter = true };
        using var csv = new CsvParser(reader, config);
        while (csv.Read())
            yield return (csv.Row, csv.Record ?? []);
    }

    private static IEnumerable<(int Line, string[] Cells)> ReadXlsx(Stream stream)
    {
        var line = 0;
        foreach (IDictionary<string, object?> row in stream.Query(useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            line++;
            yield return (line, row.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim() ?? "").ToArray());
        }
    }

    private static (List<ActualRow>, List<ImportError>) ReadRecords(IEnumerable<(int Line, string[] Cells)> records, string fileName)
    {
        var rows = new List<ActualRow>();
        var errors = new List<ImportError>();
        Dictionary<string, int>? columns = null;
        foreach (var (line, cells) in records)
        {
            if (columns is null)
            {
                if (cells.All(string.IsNullOrWhiteSpace))
                    continue;
                columns = [];
                for (var i = 0; i < cells.Length; i++)
                {
                    var name = NormalizeHeader(cells[i]);
                    if (!Known.Contains(name))
                        continue;
                    if (!columns.TryAdd(name, i))
                        errors.Add(new ImportError(fileName, line, name, $"表头“{name}”重复出现（第{columns[name] + 1}列和第{i + 1}列）"));
                }
                foreach (var required in ActualsColumns.Required.Where(r => !columns.ContainsKey(r)))
                    errors.Add(new ImportError(fileName, line, required, $"缺少必需的列“{required}”；表头应包含：{string.Join("、", ActualsColumns.Required)}"));
                if (errors.Count > 0)
                    return (rows, errors);
                continue;
            }
            string Cell(string column) =>
                columns.TryGetValue(column, out var i) && i < cells.Length ? (cells[i] ?? "").Trim() : "";
            if (cells.All(string.IsNullOrWhiteSpace))
                continue;
            var row = new ActualRow
            {
                Line = line,
                Year = Cell(ActualsColumns.Year),
                Department = Cell(ActualsColumns.Department),
                Project = Cell(ActualsColumns.Project),
                Category = Cell(ActualsColumns.Category),
                Subcategory = Cell(ActualsColumns.Subcategory),
                Indicator = Cell(ActualsColumns.Indicator),
                Value = Cell(ActualsColumns.Value),
                Deviation = Cell(ActualsColumns.Deviation),
                DeviationType = Cell(ActualsColumns.DeviationType),
                Likelihood = Cell(ActualsColumns.Likelihood),
            };
            if (row.Project.Length == 0)
                errors.Add(new ImportError(fileName, line, ActualsColumns.Project, "项目名称为空"));
            else if (row.Indicator.Length == 0)
                errors.Add(new ImportError(fileName, line, ActualsColumns.Indicator, $"项目“{row.Project}”：三级指标为空"));
            else
                rows.Add(row);
        }
        if (columns is null)
            errors.Add(new ImportError(fileName, 0, "表头", "文件为空：没有找到表头行"));
        return (rows, errors);
    }
}
