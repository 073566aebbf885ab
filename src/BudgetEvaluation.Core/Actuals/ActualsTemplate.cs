using System.Globalization;
using System.Text;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;
using ClosedXML.Excel;
using CsvHelper;

namespace BudgetEvaluation.Core.Actuals;

/// <summary>The two file formats a fill-in template is written in.</summary>
public enum TemplateFormat
{
    Xlsx,
    Csv,
}

/// <summary>One row of the fill-in template: an indicator with this period's target, or a project's spending row.</summary>
/// <param name="Target">This period's target as shown beside the empty 实际完成值; for the spending row, the budget asked.</param>
/// <param name="Computed">True for 预算执行率: its actual comes from the spending row, so 实际完成值 stays empty.</param>
public sealed record TemplateRow(
    int Year,
    string Department,
    string Project,
    string Category,
    string Subcategory,
    string Indicator,
    string Target,
    bool IsSpending = false,
    bool Computed = false);

/// <summary>
/// The fill-in table for departments (DOMAIN §7): one row per indicator plus the spending row per project, the targets
/// shown beside an empty 实际完成值 column. What a department fills in reads back through <see cref="ActualsFile"/>.
/// </summary>
public static class ActualsTemplate
{
    /// <summary>Shown with 预算执行率, whose actual is the spending row's 执行数 ÷ 全年预算数.</summary>
    public const string ComputedNote = "由执行数自动计算，无需填写";

    /// <summary>The format a file name asks for, by extension.</summary>
    public static bool TryFormat(string fileName, out TemplateFormat format)
    {
        switch (Path.GetExtension(fileName).ToLowerInvariant())
        {
            case ".xlsx":
                format = TemplateFormat.Xlsx;
                return true;
            case ".csv":
                format = TemplateFormat.Csv;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>The header of the template for a period, in column order.</summary>
    public static IReadOnlyList<string> Columns(Period period)
    {
        List<string> columns =
        [
            ActualsColumns.Year, ActualsColumns.Department, ActualsColumns.Project, ActualsColumns.Category, ActualsColumns.Subcategory,
            ActualsColumns.Indicator, TargetColumn(period), ActualsColumns.Value, ActualsColumns.Deviation,
        ];
        if (period == Period.MidYear)
            columns.AddRange([ActualsColumns.DeviationType, ActualsColumns.Likelihood]);
        return columns;
    }

    /// <summary>半年指标值 or 全年指标值: the column showing this period's target.</summary>
    public static string TargetColumn(Period period) =>
        period == Period.MidYear ? ActualsColumns.MidYearTarget : ActualsColumns.YearEndTarget;

    /// <summary>The template's rows: per project the spending row first (项目资金 heads the official tables), then its indicators.</summary>
    public static List<TemplateRow> Rows(IEnumerable<RulesProject> projects, Period period)
    {
        var rows = new List<TemplateRow>();
        foreach (var project in projects)
        {
            var p = project.Project;
            rows.Add(new TemplateRow(p.Year, p.Department, p.Name, ActualsColumns.FundsCategory, "", ActualsColumns.SpendingIndicator,
                BudgetText(p.Funds, period), IsSpending: true));
            foreach (var indicator in project.Table.Indicators)
            {
                var target = indicator.TargetFor(period).Text;
                var computed = indicator.Name == IndicatorTree.BudgetExecutionRate;
                rows.Add(new TemplateRow(p.Year, p.Department, p.Name, indicator.Category, indicator.Subcategory, indicator.Name,
                    computed ? $"{target}（{ComputedNote}）" : target, Computed: computed));
            }
        }
        return rows;
    }

    /// <summary>What the spending row asks for: 全年预算数, and at mid-year 半年计划执行数 first.</summary>
    private static string BudgetText(Funds funds, Period period)
    {
        var annual = $"全年预算数 {Amount(funds.AnnualBudget)}万元";
        return period == Period.MidYear && funds.MidYearPlannedSpend is { } planned
            ? $"半年计划执行数 {Amount(planned)}万元（{annual}）"
            : annual;
    }

    private static string Amount(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    /// <summary>Writes the template for <paramref name="projects"/> to <paramref name="stream"/>; the stream is left open.</summary>
    public static void Write(IEnumerable<RulesProject> projects, Period period, TemplateFormat format, Stream stream)
    {
        var rows = Rows(projects, period);
        if (format == TemplateFormat.Xlsx)
            WriteXlsx(rows, period, stream);
        else
            WriteCsv(rows, period, stream);
    }

    private static string[] Cells(TemplateRow row, Period period)
    {
        var cells = new List<string>
        {
            row.Year.ToString(CultureInfo.InvariantCulture), row.Department, row.Project, row.Category, row.Subcategory, row.Indicator,
            row.Target, "", "",
        };
        if (period == Period.MidYear)
            cells.AddRange(["", ""]);
        return [.. cells];
    }

    /// <summary>UTF-8 with BOM: without it Excel in China opens a CSV as GBK and garbles the Chinese.</summary>
    private static void WriteCsv(List<TemplateRow> rows, Period period, Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024, leaveOpen: true);
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var name in Columns(period))
            csv.WriteField(name);
        csv.NextRecord();
        var targetIndex = Columns(period).ToList().IndexOf(TargetColumn(period));
        foreach (var row in rows)
        {
            var cells = Cells(row, period);
            // Excel evaluates a CSV cell starting with "=" (the target "=100%") as a formula; the target column is
            // shown only, never read back, so it is neutralised there. Identifying columns must stay verbatim.
            cells[targetIndex] = Neutralize(cells[targetIndex]);
            foreach (var cell in cells)
                csv.WriteField(cell);
            csv.NextRecord();
        }
    }

    /// <summary>A leading <c>=</c> becomes the full-width <c>＝</c> (read the same by people and by the notation parser); other formula starts get an apostrophe.</summary>
    public static string Neutralize(string text) => text.Length == 0 ? text : text[0] switch
    {
        '=' => "＝" + text[1..],
        '+' or '-' or '@' or '\t' or '\r' => "'" + text,
        _ => text,
    };

    private static readonly Dictionary<string, double> Widths = new()
    {
        [ActualsColumns.Year] = 8,
        [ActualsColumns.Department] = 20,
        [ActualsColumns.Project] = 28,
        [ActualsColumns.Category] = 11,
        [ActualsColumns.Subcategory] = 12,
        [ActualsColumns.Indicator] = 36,
        [ActualsColumns.MidYearTarget] = 30,
        [ActualsColumns.YearEndTarget] = 30,
        [ActualsColumns.Value] = 18,
        [ActualsColumns.Deviation] = 40,
        [ActualsColumns.DeviationType] = 14,
        [ActualsColumns.Likelihood] = 14,
    };

    /// <summary>Sheet name of the XLSX template.</summary>
    public static string SheetName(Period period) => period == Period.MidYear ? "绩效运行监控实际完成值" : "绩效自评实际完成值";

    private static void WriteXlsx(List<TemplateRow> rows, Period period, Stream stream)
    {
        var columns = Columns(period).ToList();
        int Col(string name) => columns.IndexOf(name) + 1;
        var last = rows.Count + 1;

        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add(SheetName(period));
        for (var c = 0; c < columns.Count; c++)
        {
            sheet.Cell(1, c + 1).SetValue(columns[c]);
            // Explicit widths: AdjustToContents needs System.Drawing, which crashes on Linux in ClosedXML 0.95.4.
            sheet.Column(c + 1).Width = Widths[columns[c]];
        }
        // Every cell typed as text: "96.3%" or "11月" typed into a General cell would become a number or a date.
        sheet.Columns(1, columns.Count).Style.NumberFormat.Format = "@";

        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var cells = Cells(row, period);
            for (var c = 0; c < cells.Length; c++)
            {
                if (cells[c].Length == 0)
                    continue;
                var cell = sheet.Cell(r + 2, c + 1);
                if (c == 0)
                    cell.SetValue(row.Year);
                else
                    cell.SetValue(cells[c]).SetDataType(XLDataType.Text);
            }
        }

        var header = sheet.Range(1, 1, 1, columns.Count);
        header.Style.Font.Bold = true;
        header.Style.Fill.BackgroundColor = XLColor.FromHtml("#D9E1F2");
        header.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        sheet.SheetView.FreezeRows(1);

        var body = sheet.Range(1, 1, last, columns.Count);
        body.Style.Border.InsideBorder = XLBorderStyleValues.Thin;
        body.Style.Border.OutsideBorder = XLBorderStyleValues.Thin;
        body.Style.Alignment.Vertical = XLAlignmentVerticalValues.Center;
        foreach (var name in new[] { ActualsColumns.Project, ActualsColumns.Indicator, TargetColumn(period), ActualsColumns.Deviation })
            sheet.Range(2, Col(name), last, Col(name)).Style.Alignment.WrapText = true;

        // What the department fills in is unlocked; everything else, the targets included, is read-only.
        var editable = new List<string> { ActualsColumns.Value, ActualsColumns.Deviation };
        if (period == Period.MidYear)
            editable.AddRange([ActualsColumns.DeviationType, ActualsColumns.Likelihood]);
        foreach (var name in editable)
            sheet.Column(Col(name)).Style.Protection.Locked = false;
        sheet.Range(1, Col(ActualsColumns.Value), last, Col(ActualsColumns.Value)).Style.Fill.BackgroundColor = XLColor.FromHtml("#FFF2CC");
        for (var r = 0; r < rows.Count; r++)
        {
            if (!rows[r].Computed)
                continue;
            var computed = sheet.Cell(r + 2, Col(ActualsColumns.Value));
            computed.Style.Protection.Locked = true;
            computed.Style.Fill.BackgroundColor = XLColor.FromHtml("#E7E6E6");
        }
        header.Style.Protection.Locked = true;

        if (period == Period.MidYear && rows.Count > 0)
        {
            AddList(sheet.Range(2, Col(ActualsColumns.DeviationType), last, Col(ActualsColumns.DeviationType)), ActualsColumns.DeviationType, ActualsColumns.DeviationTypes);
            AddList(sheet.Range(2, Col(ActualsColumns.Likelihood), last, Col(ActualsColumns.Likelihood)), ActualsColumns.Likelihood, ActualsColumns.Likelihoods);
        }

        sheet.Range(1, 1, last, columns.Count).SetAutoFilter();
        // No password: the lock guards against slips, not against a determined user.
        sheet.Protect().AllowElement(
            XLSheetProtectionElements.SelectEverything | XLSheetProtectionElements.FormatColumns | XLSheetProtectionElements.FormatRows
            | XLSheetProtectionElements.AutoFilter | XLSheetProtectionElements.Sort, true);

        sheet.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        sheet.PageSetup.PaperSize = XLPaperSize.A4Paper;
        sheet.PageSetup.FitToPages(1, 0);
        sheet.PageSetup.SetRowsToRepeatAtTop(1, 1);

        workbook.SaveAs(stream);
    }

    private static void AddList(IXLRange range, string column, IReadOnlyList<string> values)
    {
        var validation = range.SetDataValidation();
        validation.List("\"" + string.Join(",", values) + "\"", true);
        validation.IgnoreBlanks = true;
        validation.ShowErrorMessage = true;
        validation.ErrorStyle = XLErrorStyle.Stop;
        validation.ErrorTitle = column;
        validation.ErrorMessage = $"请从下拉列表中选择：{string.Join("、", values)}";
    }
}
