using System.Globalization;
using System.Text;
using BudgetEvaluation.Core.Targets;
using CsvHelper;
using CsvHelper.Configuration;
using MiniExcelLibs;

namespace BudgetEvaluation.Core.Import;

/// <summary>
/// Writes target tables in the flat tabular form that <see cref="FlatTableImporter"/> reads, with every column
/// (docs/flat-format.md), so that export and import round-trip. Streams: tables are written as they are enumerated.
/// </summary>
public static class FlatTableWriter
{
    /// <summary>UTF-8 with a BOM: Excel opens a CSV without one as the system code page and garbles the Chinese.</summary>
    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>Writes CSV or XLSX by the path's extension; returns the number of projects written.</summary>
    public static int Write(string path, IEnumerable<TargetTable> tables, Encoding? csvEncoding = null, bool repeatProjectColumns = true)
    {
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => WriteCsv(path, tables, csvEncoding, repeatProjectColumns),
            ".xlsx" => WriteXlsx(path, tables, repeatProjectColumns),
            var other => throw new ArgumentException($"不支持的平表文件类型“{other}”：请使用 .csv 或 .xlsx", nameof(path)),
        };
    }

    /// <summary>Writes a CSV file, UTF-8 with BOM unless <paramref name="encoding"/> says otherwise (e.g. GB18030).</summary>
    public static int WriteCsv(string path, IEnumerable<TargetTable> tables, Encoding? encoding = null, bool repeatProjectColumns = true)
    {
        using var writer = new StreamWriter(path, append: false, encoding ?? Utf8WithBom, bufferSize: 64 * 1024);
        return WriteCsv(writer, tables, repeatProjectColumns);
    }

    public static int WriteCsv(TextWriter writer, IEnumerable<TargetTable> tables, bool repeatProjectColumns = true)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" };
        using var csv = new CsvWriter(writer, config, leaveOpen: true);
        foreach (var spec in FlatColumns.All)
            csv.WriteField(spec.Header);
        csv.NextRecord();
        var projects = 0;
        foreach (var row in Rows(tables, repeatProjectColumns, () => projects++))
        {
            foreach (var value in row)
                csv.WriteField(value switch
                {
                    null => "",
                    decimal d => d.ToString(CultureInfo.InvariantCulture),
                    _ => value.ToString(),
                });
            csv.NextRecord();
        }
        csv.Flush();
        return projects;
    }

    public static int WriteXlsx(string path, IEnumerable<TargetTable> tables, bool repeatProjectColumns = true)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        return WriteXlsx(stream, tables, repeatProjectColumns);
    }

    /// <summary>Writes one worksheet; amounts are numeric cells, everything else text cells.</summary>
    public static int WriteXlsx(Stream stream, IEnumerable<TargetTable> tables, bool repeatProjectColumns = true)
    {
        var projects = 0;
        var rows = Rows(tables, repeatProjectColumns, () => projects++).Select(row =>
        {
            IDictionary<string, object?> cells = new Dictionary<string, object?>(FlatColumns.Count);
            for (var i = 0; i < row.Length; i++)
                cells[FlatColumns.All[i].Header] = row[i];
            return cells;
        });
        // Not FastMode: it would write the sheet's dimension (so MiniExcel reads the sheet once instead of twice),
        // but it holds the whole workbook in memory to do so (over 1 GB for 20 000 projects).
        MiniExcel.SaveAs(stream, rows, printHeader: true, sheetName: "绩效目标", excelType: ExcelType.XLSX);
        return projects;
    }

    /// <summary>One row per indicator: strings, and decimals (or null) for amounts, in <see cref="FlatColumns.All"/> order.</summary>
    private static IEnumerable<object?[]> Rows(IEnumerable<TargetTable> tables, bool repeatProjectColumns, Action onProject)
    {
        foreach (var table in tables)
        {
            onProject();
            var first = true;
            foreach (var indicator in table.Indicators)
            {
                var row = new object?[FlatColumns.Count];
                foreach (var spec in FlatColumns.All)
                {
                    var projectColumn = spec.Kind is FlatColumnKind.ProjectAmount or FlatColumnKind.ProjectText;
                    row[(int)spec.Column] = projectColumn && !first && !repeatProjectColumns ? null : Value(spec.Column, table.Project, indicator);
                }
                first = false;
                yield return row;
            }
        }
    }

    private static object? Value(FlatColumn column, Project p, Indicator i) => column switch
    {
        FlatColumn.Year => p.Year.ToString(CultureInfo.InvariantCulture),
        FlatColumn.Department => p.Department,
        FlatColumn.Name => p.Name,
        FlatColumn.Category => i.Category,
        FlatColumn.Subcategory => i.Subcategory,
        FlatColumn.Indicator => i.Name,
        FlatColumn.MidYearTarget => i.MidYearTarget.Text,
        FlatColumn.YearEndTarget => i.YearEndTarget.Text,
        FlatColumn.Weight => i.Weight,
        FlatColumn.Tolerance => i.Tolerance,
        FlatColumn.Total => p.Funds.Total,
        FlatColumn.FiscalAppropriation => p.Funds.FiscalAppropriation,
        FlatColumn.GeneralBudget => p.Funds.GeneralBudget,
        FlatColumn.GovernmentFund => p.Funds.GovernmentFund,
        FlatColumn.SpecialAccount => p.Funds.SpecialAccount,
        FlatColumn.StateCapital => p.Funds.StateCapital,
        FlatColumn.SocialSecurityFund => p.Funds.SocialSecurityFund,
        FlatColumn.CarriedOver => p.Funds.CarriedOver,
        FlatColumn.Other => p.Funds.Other,
        FlatColumn.MidYearPlannedSpend => p.Funds.MidYearPlannedSpend,
        FlatColumn.AnnualBudget => p.Funds.AnnualBudget,
        FlatColumn.ImplementingUnit => p.ImplementingUnit,
        FlatColumn.ProjectType => p.ProjectType,
        FlatColumn.GovernmentLevel => p.GovernmentLevel,
        FlatColumn.StartYear => p.StartYear,
        FlatColumn.EndYear => p.EndYear,
        FlatColumn.Contact => p.Contact,
        FlatColumn.Necessity => p.Necessity,
        FlatColumn.Feasibility => p.Feasibility,
        FlatColumn.Content => p.Content,
        FlatColumn.LongTermGoal => p.LongTermGoal,
        FlatColumn.AnnualGoal => p.AnnualGoal,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, null),
    };
}
