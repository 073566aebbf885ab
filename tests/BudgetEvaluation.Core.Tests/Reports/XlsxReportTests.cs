using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Reports;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using ClosedXML.Excel;

namespace BudgetEvaluation.Core.Tests.Reports;

[Collection(SeedReportsCollection.Name)]
public sealed partial class XlsxReportTests(SeedEvaluations seed)
{
    private static readonly string[] SeedSheets =
    [
        "汇总",
        "“通创荟”和科技招商经费专项", "产学研合作交流专项", "办公设备购置", "引进国外智力专项", "水电费补差", "物业管理费",
        "科创办推进专项", "科技创新体系建设专项", "科技创新双月例会专项", "科研机构建设专项", "网络设备设施运行与维护费", "高新技术发展专项",
    ];

    [Fact]
    public void YearEndWorkbook_HasSummarySheetThenOneSheetPerProject()
    {
        using var workbook = Reopen(seed.YearEnd, Period.YearEnd);

        Assert.Equal(SeedSheets, workbook.Worksheets.Select(w => w.Name));
        Assert.Equal("2026年度项目支出绩效自评汇总表", workbook.Worksheet("汇总").Cell("A1").GetString());
        Assert.Equal("项目支出绩效自评表", workbook.Worksheet("物业管理费").Cell("A1").GetString());
    }

    [Fact]
    public void MidYearWorkbook_HasSummarySheetThenOneSheetPerProject()
    {
        using var workbook = Reopen(seed.MidYear, Period.MidYear);

        Assert.Equal(SeedSheets, workbook.Worksheets.Select(w => w.Name));
        Assert.Equal("2026年项目支出绩效运行监控汇总表", workbook.Worksheet("汇总").Cell("A1").GetString());
        Assert.Equal("项目支出绩效运行监控表", workbook.Worksheet("物业管理费").Cell("A1").GetString());
    }

    [Fact]
    public void YearEndWorkbook_TotalScoreCell_IsTheNumberOfTheJson()
    {
        using var json = JsonDocument.Parse(EvaluationJson.Serialize(seed.YearEnd));
        using var workbook = Reopen(seed.YearEnd, Period.YearEnd);

        foreach (var project in json.RootElement.EnumerateArray())
        {
            var sheet = workbook.Worksheet(project.GetProperty("project").GetString());
            var total = RowOf(sheet, 1, "总分");
            Assert.Equal(XLDataType.Number, total.Cell(8).DataType);
            // ClosedXML 0.95.4 writes 15 significant digits, Excel's own precision: equal to 12 decimals at this size.
            Assert.Equal(project.GetProperty("totalScore").GetDouble(), total.Cell(8).GetValue<double>(), 12);
            Assert.Equal(100.0, total.Cell(7).GetValue<double>(), 9);
        }
        // 9.6296 + 17.7083 + 18.75 + 18.75 + 25.3125 (see the HTML test).
        Assert.Equal(90.15, Math.Round(RowOf(workbook.Worksheet("“通创荟”和科技招商经费专项"), 1, "总分").Cell(8).GetValue<double>(), 2));
        Assert.Equal("优", RowOf(workbook.Worksheet("“通创荟”和科技招商经费专项"), 1, "评价等级").Cell(7).GetString());
    }

    [Fact]
    public void YearEndWorkbook_FundsAndIndicatorRows_AreInTheOfficialColumns()
    {
        using var workbook = Reopen(seed.YearEnd, Period.YearEnd);
        var sheet = workbook.Worksheet("“通创荟”和科技招商经费专项");

        Assert.Equal(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], Enumerable.Range(4, 6).Select(c => sheet.Cell(6, c).GetString()));
        var funds = RowOf(sheet, 2, "年度资金总额");
        Assert.Equal([135.0, 135.0, 130.0, 10.0], Enumerable.Range(4, 4).Select(c => funds.Cell(c).GetValue<double>()));
        Assert.Equal(130.0 / 135.0, funds.Cell(8).GetValue<double>(), 12);
        Assert.Contains("%", funds.Cell(8).Style.NumberFormat.Format, StringComparison.Ordinal);
        Assert.Equal(
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施", "计分说明"],
            Enumerable.Range(2, 9).Select(c => sheet.Cell(13, c).GetString()));
        var row = RowOf(sheet, 4, "招引科创项目数");
        Assert.Equal(["产出指标", "数量指标", "≥1800个", "1700个"], new[] { 2, 3, 5, 6 }.Select(c => row.Cell(c).GetString()));
        Assert.Equal(18.75, row.Cell(7).GetValue<double>());
        Assert.Equal(17.71, Math.Round(row.Cell(8).GetValue<double>(), 2));
        Assert.Equal("受宏观环境影响，部分项目签约推迟至次年", row.Cell(9).GetString());
        Assert.StartsWith("【部分达成】实际 1700个，目标 ≥1800个：未达成", row.Cell(10).GetString());
    }

    [Fact]
    public void YearEndWorkbook_MissingActual_IsNotReportedAndScoresZero()
    {
        using var workbook = Reopen(seed.YearEnd, Period.YearEnd);

        var row = RowOf(workbook.Worksheet("科研机构建设专项"), 4, "省市项目立项数");
        Assert.Equal("未填报", row.Cell(6).GetString());
        Assert.Equal(0.0, row.Cell(8).GetValue<double>());
    }

    [Fact]
    public void MidYearWorkbook_IndicatorRows_CarryCompletionForecastAndWarning()
    {
        using var workbook = Reopen(seed.MidYear, Period.MidYear);
        var sheet = workbook.Worksheet("科研机构建设专项");

        Assert.Equal(
            ["一级指标", "二级指标", "三级指标", "半年指标值", "1-6月实际完成值", "完成率", "全年指标值", "全年预测（线性）", "预警", "偏差原因类型", "完成目标可能性", "偏差原因分析及改进措施", "预警说明"],
            Enumerable.Range(1, 13).Select(c => sheet.Cell(10, c).GetString()));
        // 12 of ≥20 = 60%; forecast 12 ÷ 50% = 24.
        var row = RowOf(sheet, 3, "新增市级以上研发机构");
        Assert.Equal(0.6, row.Cell(6).GetValue<double>(), 12);
        Assert.Contains("%", row.Cell(6).Style.NumberFormat.Format, StringComparison.Ordinal);
        Assert.Equal(24.0, row.Cell(8).GetValue<double>(), 12);
        Assert.Equal(["≥80个", "■ 红", "制度保障", "有可能", "认定批次在下半年"], Enumerable.Range(7, 6).Where(c => c != 8).Select(c => row.Cell(c).GetString()));
        Assert.Equal("■ 红", RowOf(sheet, 1, "项目预警（取各指标与资金预警中最严重者）").Cell(9).GetString());
        var funds = RowOf(sheet, 2, "年度资金总额");
        Assert.Equal([17.8, 3.56, 3.0], Enumerable.Range(3, 3).Select(c => funds.Cell(c).GetValue<double>()));
        Assert.Equal("▲ 黄", funds.Cell(8).GetString());
    }

    [Fact]
    public void Workbook_FormulaLikeUploadText_IsStoredAsTextWithQuotePrefix()
    {
        var formula = "=HYPERLINK(\"http://example.invalid\",\"点击\")";
        var evaluation = seed.YearEndOf("水电费补差");
        evaluation = evaluation with
        {
            Indicators = evaluation.Indicators.Select(i => i.Indicator == "正常用水用电率" ? i with { Deviation = formula } : i).ToList(),
        };

        var bytes = Save([evaluation], Period.YearEnd);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));

        var cell = RowOf(workbook.Worksheet("水电费补差"), 4, "正常用水用电率").Cell(9);
        Assert.False(cell.HasFormula);
        Assert.Equal(XLDataType.Text, cell.DataType);
        Assert.Equal(formula, cell.GetString());
        Assert.True(cell.Style.IncludeQuotePrefix);
        Assert.DoesNotContain(SheetXml(bytes), xml => FormulaElement().IsMatch(xml));
    }

    [Fact]
    public void Workbook_PlainNumberActual_IsStoredAsNumberAndTextActualAsText()
    {
        var evaluation = seed.YearEndOf("水电费补差");
        evaluation = evaluation with
        {
            Indicators = evaluation.Indicators.Select(i => i.Indicator switch
            {
                "正常用水用电率" => i with { Actual = "-5" },
                "资金支出时效性" => i with { Actual = "-5%" },
                _ => i,
            }).ToList(),
        };

        using var workbook = new XLWorkbook(new MemoryStream(Save([evaluation], Period.YearEnd)));
        var sheet = workbook.Worksheet("水电费补差");

        var number = RowOf(sheet, 4, "正常用水用电率").Cell(6);
        Assert.Equal(XLDataType.Number, number.DataType);
        Assert.Equal(-5.0, number.GetValue<double>());
        var text = RowOf(sheet, 4, "资金支出时效性").Cell(6);
        Assert.Equal(XLDataType.Text, text.DataType);
        Assert.Equal("-5%", text.GetString());
        Assert.True(text.Style.IncludeQuotePrefix);
    }

    [Fact]
    public void YearEndSummarySheet_ListsProjectsGradesAndDepartments()
    {
        using var workbook = Reopen(seed.YearEnd, Period.YearEnd);
        var sheet = workbook.Worksheet("汇总");

        Assert.Equal(["序号", "主管部门", "项目名称", "全年预算数", "全年执行数", "执行率", "总分", "评价等级", "未填报指标数"], Enumerable.Range(1, 9).Select(c => sheet.Cell(4, c).GetString()));
        var row = RowOf(sheet, 3, "科研机构建设专项");
        Assert.Equal(81.25, row.Cell(7).GetValue<double>(), 9);
        Assert.Equal("良", row.Cell(8).GetString());
        Assert.Equal(1.0, row.Cell(9).GetValue<double>());
        Assert.Equal(4.0, RowOf(sheet, 1, "良").Cell(2).GetValue<double>());
        var department = RowOf(sheet, 2, "南通市科学技术局", skip: 12);
        Assert.Equal(12.0, department.Cell(3).GetValue<double>());
        Assert.Equal(93.79, Math.Round(department.Cell(4).GetValue<double>(), 2));
    }

    [Fact]
    public void SheetNames_InvalidLongAndDuplicateNames_AreMadeValidAndUnique()
    {
        var names = XlsxReport.SheetNames(
        [
            "a[b]:c*d?e/f\\g",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四",
            "水电费补差",
            "水电费补差",
            "汇总",
            "'引号'",
        ]);

        Assert.Equal(
        [
            "a_b__c_d_e_f_g",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八(2)",
            "水电费补差",
            "水电费补差(2)",
            "汇总(2)",
            "引号",
        ], names);
    }

    [Fact]
    public void ReportWriters_HtmlAndXlsx_WriteThroughTheScoreVerbsFormats()
    {
        using var html = new MemoryStream();
        ReportWriters.Find("html")!(seed.YearEnd, Period.YearEnd, html);
        using var xlsx = new MemoryStream();
        ReportWriters.Find("xlsx")!(seed.MidYear, Period.MidYear, xlsx);

        Assert.StartsWith("<!DOCTYPE html>", System.Text.Encoding.UTF8.GetString(html.ToArray()), StringComparison.Ordinal);
        xlsx.Position = 0;
        using var workbook = new XLWorkbook(xlsx);
        Assert.Equal(13, workbook.Worksheets.Count);
    }

    private static byte[] Save(IReadOnlyList<ProjectEvaluation> evaluations, Period period)
    {
        using var stream = new MemoryStream();
        XlsxReport.Write(evaluations, period, stream);
        return stream.ToArray();
    }

    private static XLWorkbook Reopen(IReadOnlyList<ProjectEvaluation> evaluations, Period period) =>
        new(new MemoryStream(Save(evaluations, period)));

    /// <summary>The first row (after <paramref name="skip"/> matches) whose cell in the column holds the text.</summary>
    private static IXLRow RowOf(IXLWorksheet sheet, int column, string text, int skip = 0) =>
        sheet.RowsUsed().Where(r => r.Cell(column).GetString() == text).Skip(skip).First();

    private static IEnumerable<string> SheetXml(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx));
        return zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal))
            .Select(e =>
            {
                using var reader = new StreamReader(e.Open());
                return reader.ReadToEnd();
            })
            .ToList();
    }

    /// <summary>A cell formula element, <c>&lt;f&gt;</c> or <c>&lt;x:f …&gt;</c>.</summary>
    [GeneratedRegex(@"<(\w+:)?f[\s>/]")]
    private static partial Regex FormulaElement();
}
