using System.Text;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using ClosedXML.Excel;

namespace BudgetEvaluation.Core.Tests.Actuals;

/// <summary>Reading actuals files as departments produce them (DOMAIN §7): encodings, XLSX, headers by name.</summary>
public class ActualsFileTests
{
    private const string Csv =
        "项目名称,一级指标,二级指标,三级指标,实际完成值,偏差原因分析及改进措施\n" +
        "“通创荟”和科技招商经费专项,产出指标,数量指标,招引科创项目数,1700个,部分项目签约推迟至次年\n" +
        "“通创荟”和科技招商经费专项,项目资金,,执行数,130万元,\n";

    private static (List<ActualRow> Rows, List<ImportError> Errors) ReadText(string text, Encoding encoding, string fileName = "actuals.csv")
    {
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(text)).ToArray();
        return ActualsFile.Read(new MemoryStream(bytes), fileName);
    }

    private static void AssertSeedRows(List<ActualRow> rows)
    {
        Assert.Equal(2, rows.Count);
        Assert.Equal(2, rows[0].Line);
        Assert.Equal("“通创荟”和科技招商经费专项", rows[0].Project);
        Assert.Equal("产出指标", rows[0].Category);
        Assert.Equal("数量指标", rows[0].Subcategory);
        Assert.Equal("招引科创项目数", rows[0].Indicator);
        Assert.Equal("1700个", rows[0].Value);
        Assert.Equal("部分项目签约推迟至次年", rows[0].Deviation);
        Assert.False(rows[0].IsSpending);
        Assert.Equal(3, rows[1].Line);
        Assert.True(rows[1].IsSpending);
        Assert.Equal("130万元", rows[1].Value);
    }

    [Fact]
    public void Read_CsvUtf8WithBom_ReadsEveryRow()
    {
        var (rows, errors) = ReadText(Csv, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Empty(errors);
        AssertSeedRows(rows);
    }

    [Fact]
    public void Read_CsvUtf8WithoutBom_ReadsEveryRow()
    {
        var (rows, errors) = ReadText(Csv, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        Assert.Empty(errors);
        AssertSeedRows(rows);
    }

    [Fact]
    public void Read_CsvGb18030AsExcelInChinaSavesIt_ReadsEveryRow()
    {
        var (rows, errors) = ReadText(Csv, TextDecoding.Gb18030);

        Assert.Empty(errors);
        AssertSeedRows(rows);
    }

    [Fact]
    public void Read_CsvWithBlankLineAndMultilineCell_NumbersRowsAsExcelShowsThem()
    {
        const string text =
            "项目名称,三级指标,实际完成值,偏差原因分析及改进措施\n" +
            "物业管理费,物业服务面积,2600平方米,\"新增会议室\n纳入物业服务范围\"\n" +
            "\n" +
            "物业管理费,物业服务完成及时性,未达成,个别报修响应超时\n";

        var (rows, errors) = ReadText(text, Encoding.UTF8);

        Assert.Empty(errors);
        Assert.Equal([2, 4], rows.Select(r => r.Line));
        Assert.Equal("新增会议室\n纳入物业服务范围", rows[0].Deviation);
    }

    [Fact]
    public void Read_HeadersInAnyOrderWithExtraColumns_ReadsByNameAndIgnoresTheRest()
    {
        const string text =
            "序号,实际完成值,备注,三级指标,全年指标值,项目名称, 主管部门 ,年度\n" +
            "1,4次,,“支农强农富农”市县联动送科技下乡重点活动,≥4次,科技创新体系建设专项,南通市科学技术局,2026\n";

        var (rows, errors) = ReadText(text, Encoding.UTF8);

        Assert.Empty(errors);
        var row = Assert.Single(rows);
        Assert.Equal("科技创新体系建设专项", row.Project);
        Assert.Equal("“支农强农富农”市县联动送科技下乡重点活动", row.Indicator);
        Assert.Equal("4次", row.Value);
        Assert.Equal("南通市科学技术局", row.Department);
        Assert.Equal("2026", row.Year);
        Assert.Equal("", row.Category);
    }

    [Fact]
    public void Read_TitleRowAboveHeader_FindsTheHeaderRow()
    {
        const string text =
            "2026年项目支出绩效自评实际完成值,,\n" +
            "项目名称,三级指标,实际完成值\n" +
            "物业管理费,物业服务面积,2600平方米\n";

        var (rows, errors) = ReadText(text, Encoding.UTF8);

        Assert.Empty(errors);
        var row = Assert.Single(rows);
        Assert.Equal(3, row.Line);
        Assert.Equal("2600平方米", row.Value);
    }

    [Fact]
    public void Read_MissingRequiredColumns_ReportsEachMissingColumnOnTheHeaderRow()
    {
        const string text = "项目名称,指标名称,完成值\n物业管理费,物业服务面积,2600平方米\n";

        var (rows, errors) = ReadText(text, Encoding.UTF8, "物业.csv");

        Assert.Empty(rows);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(("物业.csv", 1), (e.File, e.Line)));
        Assert.Equal(["三级指标", "实际完成值"], errors.Select(e => e.Field));
        Assert.Contains("缺少必需的列“三级指标”", errors[0].Message);
        Assert.Contains("项目名称、三级指标、实际完成值", errors[0].Message);
    }

    [Fact]
    public void Read_DuplicateHeader_ReportsBothColumnPositions()
    {
        const string text = "项目名称,三级指标,实际完成值,实际完成值\n物业管理费,物业服务面积,2600平方米,2500平方米\n";

        var (rows, errors) = ReadText(text, Encoding.UTF8);

        Assert.Empty(rows);
        var error = Assert.Single(errors);
        Assert.Equal(1, error.Line);
        Assert.Equal("实际完成值", error.Field);
        Assert.Contains("表头“实际完成值”重复出现（第3列和第4列）", error.Message);
    }

    [Fact]
    public void Read_RowsWithoutProjectOrIndicator_ReportsEachRowWithItsColumn()
    {
        const string text =
            "项目名称,三级指标,实际完成值\n" +
            ",物业服务面积,2600平方米\n" +
            "物业管理费,,达成\n" +
            "物业管理费,物业服务完成及时性,达成\n";

        var (rows, errors) = ReadText(text, Encoding.UTF8);

        Assert.Single(rows);
        Assert.Equal([(2, "项目名称"), (3, "三级指标")], errors.Select(e => (e.Line, e.Field)));
        Assert.Contains("“物业服务面积”", errors[0].Message);
        Assert.Contains("“达成”", errors[1].Message);
    }

    [Fact]
    public void Read_EmptyFile_ReportsNoHeader()
    {
        var (rows, errors) = ReadText("\n\n", Encoding.UTF8);

        Assert.Empty(rows);
        Assert.Equal("表头", Assert.Single(errors).Field);
    }

    [Fact]
    public void Read_UnsupportedExtension_ReportsFileType()
    {
        var (_, errors) = ActualsFile.Read(new MemoryStream([1, 2, 3]), "actuals.pdf");

        Assert.Contains("不支持的文件类型“.pdf”", Assert.Single(errors).Message);
    }

    [Fact]
    public void Read_CorruptXlsx_ReportsTheFileInsteadOfThrowing()
    {
        var (rows, errors) = ReadText("项目名称,三级指标,实际完成值\n", Encoding.UTF8, "actuals.xlsx");

        Assert.Empty(rows);
        var error = Assert.Single(errors);
        Assert.Equal("actuals.xlsx", error.File);
        Assert.Contains("不是有效的 Excel 文件", error.Message);
    }

    private static MemoryStream Workbook(Action<IXLWorksheet> fill)
    {
        using var workbook = new XLWorkbook();
        fill(workbook.Worksheets.Add("实际完成值"));
        var stream = new MemoryStream();
        workbook.SaveAs(stream);
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void Read_Xlsx_ReadsColumnsByNameWithSheetRowNumbers()
    {
        using var stream = Workbook(sheet =>
        {
            sheet.Cell("B3").Value = "实际完成值";
            sheet.Cell("C3").Value = "项目名称";
            sheet.Cell("D3").Value = "三级指标";
            sheet.Cell("B4").Value = "1700个";
            sheet.Cell("C4").Value = "“通创荟”和科技招商经费专项";
            sheet.Cell("D4").Value = "招引科创项目数";
            sheet.Cell("C6").Value = "“通创荟”和科技招商经费专项";
            sheet.Cell("D6").Value = "组织科技招商专题活动";
            sheet.Cell("B6").Value = "2场";
        });

        var (rows, errors) = ActualsFile.Read(stream, "actuals.xlsx");

        Assert.Empty(errors);
        Assert.Equal([(4, "招引科创项目数", "1700个"), (6, "组织科技招商专题活动", "2场")], rows.Select(r => (r.Line, r.Indicator, r.Value)));
    }

    [Fact]
    public void Read_XlsxNumbersTypedIntoCells_ReadAsWritten()
    {
        // Excel stores a typed "96.3%" as the number 0.963 with a percent format, and "1700" as a number.
        using var stream = Workbook(sheet =>
        {
            sheet.Cell("A1").Value = "项目名称";
            sheet.Cell("B1").Value = "三级指标";
            sheet.Cell("C1").Value = "实际完成值";
            sheet.Cell("D1").Value = "年度";
            sheet.Cell("A2").Value = "网络设备设施运行与维护费";
            sheet.Cell("B2").Value = "信息系统日常维护合格率";
            sheet.Cell("C2").Value = 0.963;
            sheet.Cell("C2").Style.NumberFormat.NumberFormatId = 10;
            sheet.Cell("D2").Value = 2026;
            sheet.Cell("A3").Value = "高新技术发展专项";
            sheet.Cell("B3").Value = "高企申报数";
            sheet.Cell("C3").Value = 1700;
            sheet.Cell("A4").Value = "高新技术发展专项";
            sheet.Cell("B4").Value = "高企、科创项目申报进度";
            sheet.Cell("C4").Value = 0.5;
            sheet.Cell("C4").Style.NumberFormat.Format = "0%";
        });

        var (rows, errors) = ActualsFile.Read(stream, "actuals.xlsx");

        Assert.Empty(errors);
        Assert.Equal(["96.3%", "1700", "50%"], rows.Select(r => r.Value));
        Assert.Equal("2026", rows[0].Year);
    }

    [Fact]
    public void Read_XlsxFormulaCell_ReadsItsStoredResult()
    {
        using var stream = Workbook(sheet =>
        {
            sheet.Cell("A1").Value = "项目名称";
            sheet.Cell("B1").Value = "三级指标";
            sheet.Cell("C1").Value = "实际完成值";
            sheet.Cell("A2").Value = "高新技术发展专项";
            sheet.Cell("B2").Value = "高企申报数";
            sheet.Cell("C2").FormulaA1 = "1000+700";
        });

        var (rows, errors) = ActualsFile.Read(stream, "actuals.xlsx");

        Assert.Empty(errors);
        Assert.Equal("1700", Assert.Single(rows).Value);
    }

    [Fact]
    public void Read_XlsxFormulaThatCannotBeEvaluated_ReadsAsTheFormulaText()
    {
        using var stream = Workbook(sheet =>
        {
            sheet.Cell("A1").Value = "项目名称";
            sheet.Cell("B1").Value = "三级指标";
            sheet.Cell("C1").Value = "实际完成值";
            sheet.Cell("A2").Value = "高新技术发展专项";
            sheet.Cell("B2").Value = "高企申报数";
            sheet.Cell("C2").FormulaA1 = "NOSUCHFUNCTION(1)";
        });

        var (rows, errors) = ActualsFile.Read(stream, "actuals.xlsx");

        Assert.Empty(errors);
        Assert.Equal("=NOSUCHFUNCTION(1)", Assert.Single(rows).Value);
    }
}
