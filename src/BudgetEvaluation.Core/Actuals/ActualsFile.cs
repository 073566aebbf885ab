using System.Globalization;
using BudgetEvaluation.Core.Import;
using CsvHelper;
using CsvHelper.Configuration;
using ClosedXML.Excel;

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
            // Encoding detection and the zip container both need to seek; an upload stream may not.
            if (!stream.CanSeek)
            {
                var copy = new MemoryStream();
                stream.CopyTo(copy);
                copy.Position = 0;
                stream = copy;
            }
            if (extension == ".xlsx" && InputLimits.CheckXlsx(stream, fileName) is { } refused)
                return ([], [refused]);
            return extension switch
            {
                ".xlsx" => ReadRecords(WithinLimits(ReadXlsx(stream), fileName), fileName),
                ".csv" or ".txt" => ReadRecords(WithinLimits(ReadCsv(stream, fileName), fileName), fileName),
                _ => ([], [new ImportError(fileName, 0, "文件类型", $"不支持的文件类型“{extension}”：请上传 .xlsx 或 .csv")]),
            };
        }
        catch (ImportException ex)
        {
            return ([], [.. ex.Errors]);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or System.Xml.XmlException or System.Text.DecoderFallbackException
            or CsvHelperException or InvalidOperationException or ArgumentException or FormatException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException)
        {
            return ([], [new ImportError(fileName, 0, "文件", $"文件无法读取（{Describe(ex)}）：请确认是有效的 .xlsx 或 .csv 文件")]);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        System.Text.DecoderFallbackException => "编码无法识别，请保存为 UTF-8 或 GB18030",
        InvalidDataException or System.Xml.XmlException or FormatException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException => "不是有效的 Excel 文件或已损坏",
        // Any other reader failure (e.g. a cell reference past column XFD) is a malformed workbook too; the
        // exception's type name means nothing to the person who uploaded it.
        _ => "文件内容不符合 Excel 或 CSV 格式",
    };

    /// <summary>Header names as people write them: spaces, full-width brackets and (程) removed.</summary>
    public static string NormalizeHeader(string header) =>
        header.Trim().Trim('\uFEFF').Replace(" ", "", StringComparison.Ordinal).Replace("\u3000", "", StringComparison.Ordinal)
            .Replace("（程）", "", StringComparison.Ordinal).Replace("(程)", "", StringComparison.Ordinal);

    private static IEnumerable<(int Line, string[] Cells)> ReadCsv(Stream stream, string fileName)
    {
        using var reader = TextDecoding.OpenReader(stream);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false, BadDataFound = null, MissingFieldFound = null, DetectDelimiter = true,
            // Stop reading a cell at the limit rather than hold a gigabyte "cell" in memory.
            MaxFieldSize = InputLimits.MaxCellLength,
        };
        using var csv = new CsvParser(reader, config);
        while (true)
        {
            try
            {
                if (!csv.Read())
                    yield break;
            }
            catch (MaxFieldSizeException)
            {
                throw new ImportException([InputLimits.CellTooLong(fileName, csv.Row, "单元格", -1)]);
            }
            yield return (csv.Row, csv.Record ?? []);
        }
    }

    /// <summary>Stops at the first row past <see cref="InputLimits"/> (rows, columns, cell length) with that error.</summary>
    private static IEnumerable<(int Line, string[] Cells)> WithinLimits(IEnumerable<(int Line, string[] Cells)> records, string fileName)
    {
        var count = 0;
        foreach (var (line, cells) in records)
        {
            if (++count > InputLimits.MaxActualsRows)
                throw new ImportException([InputLimits.TooManyRows(fileName, line, InputLimits.MaxActualsRows)]);
            if (cells.Length > InputLimits.MaxColumns)
                throw new ImportException([InputLimits.TooManyColumns(fileName, line, cells.Length)]);
            var i = Array.FindIndex(cells, c => c?.Length > InputLimits.MaxCellLength);
            if (i >= 0)
                throw new ImportException([InputLimits.CellTooLong(fileName, line, $"第{i + 1}列", cells[i].Length)]);
            var j = Array.FindIndex(cells, InputLimits.HasControlCharacter);
            if (j >= 0)
                throw new ImportException([InputLimits.ControlCharacter(fileName, line, $"第{j + 1}列")]);
            yield return (line, cells);
        }
    }

    /// <summary>
    /// The first worksheet's used rows, with their sheet row numbers. Cells are read as people see them: a number formatted
    /// as a percentage (Excel stores a typed <c>96.3%</c> as 0.963) reads back as <c>96.3%</c>.
    /// </summary>
    private static IEnumerable<(int Line, string[] Cells)> ReadXlsx(Stream stream)
    {
        using var workbook = new XLWorkbook(stream);
        var sheet = workbook.Worksheets.FirstOrDefault(w => w.Visibility == XLWorksheetVisibility.Visible) ?? workbook.Worksheets.First();
        var lastColumn = Math.Min(sheet.LastColumnUsed()?.ColumnNumber() ?? 0, InputLimits.MaxColumns + 1);
        foreach (var row in sheet.RowsUsed())
            yield return (row.RowNumber(), Enumerable.Range(1, lastColumn).Select(c => CellText(row.Cell(c))).ToArray());
    }

    private static string CellText(IXLCell cell)
    {
        if (cell.IsEmpty())
            return "";
        var value = cell.HasFormula ? FormulaResult(cell) : cell.Value;
        switch (value)
        {
            case double number when IsPercentFormat(cell.Style.NumberFormat):
                return Math.Round(number * 100, 10).ToString("0.##########", CultureInfo.InvariantCulture) + "%";
            case double number:
                return Math.Round(number, 10).ToString("0.##########", CultureInfo.InvariantCulture);
            case DateTime or TimeSpan:
                return cell.GetFormattedString().Trim();
            case bool flag:
                return flag ? "TRUE" : "FALSE";
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim() ?? "";
        }
    }

    /// <summary>
    /// The result Excel stored with the formula; files written by libraries often store none, and then the formula is
    /// evaluated. A formula ClosedXML cannot evaluate reads as its text, so that the row's error shows it.
    /// </summary>
    private static object? FormulaResult(IXLCell cell)
    {
        if (cell.CachedValue is not (null or ""))
            return cell.CachedValue;
        try
        {
            return cell.Value;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return "=" + cell.FormulaA1;
        }
    }

    /// <summary>Excel's built-in percent formats are ids 9 (0%) and 10 (0.00%); custom ones carry a % sign.</summary>
    private static bool IsPercentFormat(IXLNumberFormat format) =>
        format.NumberFormatId is 9 or 10 || (format.Format ?? "").Replace("\\%", "", StringComparison.Ordinal).Contains('%', StringComparison.Ordinal);

    private static (List<ActualRow>, List<ImportError>) ReadRecords(IEnumerable<(int Line, string[] Cells)> records, string fileName)
    {
        var rows = new List<ActualRow>();
        var errors = new List<ImportError>();
        var all = records.Where(r => !r.Cells.All(string.IsNullOrWhiteSpace)).ToList();
        if (all.Count == 0)
            return (rows, [new ImportError(fileName, 0, "表头", "文件为空：没有找到表头行")]);
        // A title row such as "2026年项目绩效自评实际完成值" often stands above the header: the header is the first row
        // that names a known column; without one, the first row is taken and its missing columns are reported.
        var headerIndex = all.FindIndex(r => r.Cells.Any(c => Known.Contains(NormalizeHeader(c ?? ""))));
        if (headerIndex < 0)
            headerIndex = 0;
        var (headerLine, header) = all[headerIndex];
        var columns = new Dictionary<string, int>();
        for (var i = 0; i < header.Length; i++)
        {
            var name = NormalizeHeader(header[i] ?? "");
            if (!Known.Contains(name))
                continue;
            if (!columns.TryAdd(name, i))
                errors.Add(new ImportError(fileName, headerLine, name, $"表头“{name}”重复出现（第{columns[name] + 1}列和第{i + 1}列）：每列只能出现一次"));
        }
        foreach (var required in ActualsColumns.Required.Where(r => !columns.ContainsKey(r)))
            errors.Add(new ImportError(fileName, headerLine, required, $"缺少必需的列“{required}”；表头应包含：{string.Join("、", ActualsColumns.Required)}"));
        if (errors.Count > 0)
            return (rows, errors);

        foreach (var (line, cells) in all.Skip(headerIndex + 1))
        {
            string Cell(string column) =>
                columns.TryGetValue(column, out var i) && i < cells.Length ? (cells[i] ?? "").Trim() : "";
            var row = ActualRow.FromCells(line, Cell);
            if (errors.Count >= InputLimits.MaxErrors)
            {
                errors.Add(InputLimits.TooManyErrors(fileName, line));
                break;
            }
            if (row.Project.Length == 0)
                errors.Add(new ImportError(fileName, line, ActualsColumns.Project, $"项目名称为空（三级指标“{row.Indicator}”，实际完成值“{row.Value}”）"));
            else if (row.Indicator.Length == 0)
                errors.Add(new ImportError(fileName, line, ActualsColumns.Indicator, $"项目“{row.Project}”：三级指标为空（实际完成值“{row.Value}”）"));
            else
                rows.Add(row);
        }
        return (rows, errors);
    }
}
