using System.Globalization;
using System.Text;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using ClosedXML.Excel;
using CsvHelper;
using CsvHelper.Configuration;

namespace BudgetEvaluation.Core.Tests.Actuals;

/// <summary>The fill-in template on the seed: its layout, and that what departments fill in reads back without errors.</summary>
public class ActualsTemplateTests
{
    private const string Tongchuanghui = "“通创荟”和科技招商经费专项";

    /// <summary>What a department types, by 三级指标 of the “通创荟” project; everything else stays blank.</summary>
    private static readonly Dictionary<string, string> YearEndFill = new()
    {
        ["执行数"] = "130",
        ["立项程序规范性"] = "规范",
        ["资金到位率"] = "100%",
        ["招引科创项目数"] = "1700个",
        ["组织科技招商专题活动"] = "2",
        ["对落实创新驱动发展战略的推动程度"] = "部分达成 75%",
    };

    private static readonly Dictionary<string, string> MidYearFill = new()
    {
        ["执行数"] = "10万元",
        ["资金到位率"] = "50%",
        ["招引科创项目数"] = "700个",
        ["组织科技招商专题活动"] = "1场",
        ["对落实创新驱动发展战略的推动程度"] = "达成",
    };

    private static MemoryStream Generate(Period period, TemplateFormat format, IEnumerable<RulesProject>? projects = null)
    {
        var stream = new MemoryStream();
        ActualsTemplate.Write(projects ?? Seed.Projects, period, format, stream);
        stream.Position = 0;
        return stream;
    }

    private static IReadOnlyList<string> ExpectedHeader(Period period) => period == Period.MidYear
        ? ["年度", "主管部门", "项目名称", "一级指标", "二级指标", "三级指标", "半年指标值", "实际完成值", "偏差原因分析及改进措施", "偏差原因类型", "完成目标可能性"]
        : ["年度", "主管部门", "项目名称", "一级指标", "二级指标", "三级指标", "全年指标值", "实际完成值", "偏差原因分析及改进措施"];

    /// <summary>Fills the XLSX template as a department would in Excel, and saves it.</summary>
    private static MemoryStream FillXlsx(Stream template, Period period, IReadOnlyDictionary<string, string> values, string deviationType = "", string likelihood = "")
    {
        using var workbook = new XLWorkbook(template);
        var sheet = workbook.Worksheet(1);
        var columns = ExpectedHeader(period).ToList();
        foreach (var row in sheet.RowsUsed().Skip(1))
        {
            if (row.Cell(columns.IndexOf("项目名称") + 1).GetString() != Tongchuanghui)
                continue;
            if (!values.TryGetValue(row.Cell(columns.IndexOf("三级指标") + 1).GetString(), out var value))
                continue;
            row.Cell(columns.IndexOf("实际完成值") + 1).SetValue(value);
            row.Cell(columns.IndexOf("偏差原因分析及改进措施") + 1).SetValue("说明" + value);
            if (period == Period.MidYear)
            {
                row.Cell(columns.IndexOf("偏差原因类型") + 1).SetValue(deviationType);
                row.Cell(columns.IndexOf("完成目标可能性") + 1).SetValue(likelihood);
            }
        }
        var filled = new MemoryStream();
        workbook.SaveAs(filled);
        filled.Position = 0;
        return filled;
    }

    /// <summary>Fills the CSV template field by field and writes it back as UTF-8 with BOM.</summary>
    private static MemoryStream FillCsv(Stream template, Period period, IReadOnlyDictionary<string, string> values, string deviationType = "", string likelihood = "")
    {
        var columns = ExpectedHeader(period).ToList();
        var records = new List<string[]>();
        using (var reader = new StreamReader(template, Encoding.UTF8))
        using (var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture)))
        {
            while (parser.Read())
                records.Add(parser.Record!);
        }
        foreach (var record in records.Skip(1))
        {
            if (record[columns.IndexOf("项目名称")] != Tongchuanghui || !values.TryGetValue(record[columns.IndexOf("三级指标")], out var value))
                continue;
            record[columns.IndexOf("实际完成值")] = value;
            record[columns.IndexOf("偏差原因分析及改进措施")] = "说明" + value;
            if (period == Period.MidYear)
            {
                record[columns.IndexOf("偏差原因类型")] = deviationType;
                record[columns.IndexOf("完成目标可能性")] = likelihood;
            }
        }
        var filled = new MemoryStream();
        using (var writer = new StreamWriter(filled, new UTF8Encoding(true), leaveOpen: true))
        using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture))
        {
            foreach (var record in records)
            {
                foreach (var field in record)
                    csv.WriteField(field);
                csv.NextRecord();
            }
        }
        filled.Position = 0;
        return filled;
    }

    private static ProjectActuals ReadBack(Stream filled, string fileName, Period period)
    {
        var (rows, readErrors) = ActualsFile.Read(filled, fileName);
        Assert.Empty(readErrors);
        Assert.Equal(192, rows.Count);
        var set = ActualsSet.Match(rows, Seed.Projects, period, fileName);
        Assert.Empty(set.Errors);
        foreach (var other in Seed.Projects.Where(p => p.Project.Name != Tongchuanghui))
        {
            Assert.Empty(set.For(other).Indicators);
            Assert.Null(set.For(other).Spent);
        }
        return set.For(Seed.Project(Tongchuanghui));
    }

    [Theory]
    [InlineData(TemplateFormat.Xlsx, "actuals.xlsx")]
    [InlineData(TemplateFormat.Csv, "actuals.csv")]
    public void YearEndTemplate_FilledAndReadBack_MatchesWithoutErrors(TemplateFormat format, string fileName)
    {
        using var template = Generate(Period.YearEnd, format);
        using var filled = format == TemplateFormat.Xlsx ? FillXlsx(template, Period.YearEnd, YearEndFill) : FillCsv(template, Period.YearEnd, YearEndFill);

        var actuals = ReadBack(filled, fileName, Period.YearEnd);

        Assert.Equal(130, actuals.Spent);
        Assert.Equal(5, actuals.Indicators.Count);
        Assert.Equal("达成", actuals.Indicators["决策/项目立项/立项程序规范性"].Input.Band);
        Assert.Equal(100, actuals.Indicators["过程/资金管理/资金到位率"].Input.Value);
        Assert.Equal((1700, "个"), (actuals.Indicators["产出指标/数量指标/招引科创项目数"].Input.Value, actuals.Indicators["产出指标/数量指标/招引科创项目数"].Input.Unit));
        Assert.Equal((2, "场"), (actuals.Indicators["产出指标/质量指标/组织科技招商专题活动"].Input.Value, actuals.Indicators["产出指标/质量指标/组织科技招商专题活动"].Input.Unit));
        var effect = actuals.Indicators["效益指标/社会效益/对落实创新驱动发展战略的推动程度"];
        Assert.Equal(("部分达成", 75.0), (effect.Input.Band, effect.Input.Percent));
        Assert.Equal("说明部分达成 75%", effect.Deviation);
    }

    [Theory]
    [InlineData(TemplateFormat.Xlsx, "actuals.xlsx")]
    [InlineData(TemplateFormat.Csv, "actuals.csv")]
    public void MidYearTemplate_FilledAndReadBack_KeepsTheChoices(TemplateFormat format, string fileName)
    {
        using var template = Generate(Period.MidYear, format);
        using var filled = format == TemplateFormat.Xlsx
            ? FillXlsx(template, Period.MidYear, MidYearFill, "人员保障", "有可能")
            : FillCsv(template, Period.MidYear, MidYearFill, "人员保障", "有可能");

        var actuals = ReadBack(filled, fileName, Period.MidYear);

        Assert.Equal(10, actuals.Spent);
        Assert.Equal(4, actuals.Indicators.Count);
        var count = actuals.Indicators["产出指标/数量指标/招引科创项目数"];
        Assert.Equal((700, "个"), (count.Input.Value, count.Input.Unit));
        Assert.Equal(("人员保障", "有可能", "说明700个"), (count.DeviationType, count.Likelihood, count.Deviation));
        Assert.Equal(50, actuals.Indicators["过程/资金管理/资金到位率"].Input.Value);
        // The spending row's explanation belongs to 预算执行率, whose row stays blank.
        Assert.Equal(new IndicatorNote("说明10万元", "人员保障", "有可能", 2), actuals.Notes["过程/资金管理/预算执行率"]);
    }

    [Theory]
    [InlineData(Period.YearEnd, TemplateFormat.Xlsx, "a.xlsx")]
    [InlineData(Period.MidYear, TemplateFormat.Xlsx, "a.xlsx")]
    [InlineData(Period.YearEnd, TemplateFormat.Csv, "a.csv")]
    [InlineData(Period.MidYear, TemplateFormat.Csv, "a.csv")]
    public void Template_ReadBackUnfilled_IsAllUnreportedWithoutErrors(Period period, TemplateFormat format, string fileName)
    {
        using var template = Generate(period, format);

        var (rows, readErrors) = ActualsFile.Read(template, fileName);
        var set = ActualsSet.Match(rows, Seed.Projects, period, fileName);

        Assert.Empty(readErrors);
        Assert.Empty(set.Errors);
        Assert.Equal(192, rows.Count);
        Assert.Equal(12, rows.Count(r => r.IsSpending));
        Assert.All(rows, r => Assert.Equal("", r.Value));
        Assert.All(Seed.Projects, p => Assert.Empty(set.For(p).Indicators));
    }

    [Fact]
    public async Task YearEndTemplate_FilledXlsx_ScoresWithTheRestMissing()
    {
        using var template = Generate(Period.YearEnd, TemplateFormat.Xlsx);
        using var filled = FillXlsx(template, Period.YearEnd, YearEndFill);
        var (rows, _) = ActualsFile.Read(filled, "actuals.xlsx");
        var set = ActualsSet.Match(rows, Seed.Projects, Period.YearEnd, "actuals.xlsx");

        var evaluation = (await new Evaluator(ScoringScheme.Default).EvaluateAsync([Seed.Project(Tongchuanghui)], set, Period.YearEnd)).Single();

        Assert.Equal(130, evaluation.Funds.Spent);
        Assert.Contains("产出指标/时效指标/科创大赛省赛和国赛获奖数", evaluation.Missing);
        Assert.DoesNotContain("产出指标/数量指标/招引科创项目数", evaluation.Missing);
        Assert.DoesNotContain("过程/资金管理/预算执行率", evaluation.Missing);
    }

    [Fact]
    public async Task MidYearEvaluation_BudgetExecutionRateExplainedOnItsBlankRow_ShowsTheExplanation()
    {
        const string csv =
            "项目名称,一级指标,二级指标,三级指标,实际完成值,偏差原因分析及改进措施,偏差原因类型,完成目标可能性\n" +
            "“通创荟”和科技招商经费专项,项目资金,,执行数,10,,,\n" +
            "“通创荟”和科技招商经费专项,过程,资金管理,预算执行率,,活动集中在下半年,其他,确定能\n";
        var (rows, _) = ActualsFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "a.csv");
        var set = ActualsSet.Match(rows, Seed.Projects, Period.MidYear, "a.csv");

        var evaluation = (await new Evaluator(ScoringScheme.Default).EvaluateAsync([Seed.Project(Tongchuanghui)], set, Period.MidYear)).Single();

        var rate = evaluation.Indicators.Single(i => i.Indicator == "预算执行率");
        Assert.Equal(("活动集中在下半年", "其他", "确定能"), (rate.Deviation, rate.DeviationType, rate.Likelihood));
    }

    [Fact]
    public void Rows_Seed_OneSpendingRowThenFifteenIndicatorsPerProject()
    {
        var rows = ActualsTemplate.Rows(Seed.Projects, Period.YearEnd);

        Assert.Equal(12 * 16, rows.Count);
        var first = rows.Where(r => r.Project == Tongchuanghui).ToList();
        Assert.Equal(16, first.Count);
        Assert.Equal(new TemplateRow(2026, "南通市科学技术局", Tongchuanghui, "项目资金", "", "执行数", "全年预算数 135万元", IsSpending: true), first[0]);
        Assert.Equal("≥1800个", first.Single(r => r.Indicator == "招引科创项目数").Target);
        Assert.Equal("=100%（由执行数自动计算，无需填写）", first.Single(r => r.Indicator == "预算执行率").Target);
        Assert.True(first.Single(r => r.Indicator == "预算执行率").Computed);
    }

    [Fact]
    public void Rows_MidYear_ShowsHalfYearTargetsAndPlannedSpend()
    {
        var rows = ActualsTemplate.Rows([Seed.Project(Tongchuanghui)], Period.MidYear);

        Assert.Equal("半年计划执行数 13.5万元（全年预算数 135万元）", rows[0].Target);
        Assert.Equal("≥900个", rows.Single(r => r.Indicator == "招引科创项目数").Target);
        Assert.Equal("序时进度", rows.Single(r => r.Indicator == "资金到位率").Target);
        Assert.Equal("=10%（由执行数自动计算，无需填写）", rows.Single(r => r.Indicator == "预算执行率").Target);
    }

    [Theory]
    [InlineData(Period.YearEnd)]
    [InlineData(Period.MidYear)]
    public void XlsxTemplate_Layout_HeaderFrozenBoldWidthsSetValueColumnHighlighted(Period period)
    {
        using var stream = Generate(period, TemplateFormat.Xlsx);
        using var workbook = new XLWorkbook(stream);
        var sheet = workbook.Worksheet(1);
        var header = ExpectedHeader(period);

        Assert.Equal(period == Period.MidYear ? "绩效运行监控实际完成值" : "绩效自评实际完成值", sheet.Name);
        Assert.Equal(header, Enumerable.Range(1, header.Count).Select(c => sheet.Cell(1, c).GetString()));
        Assert.Equal(1, sheet.SheetView.SplitRow);
        Assert.All(Enumerable.Range(1, header.Count), c => Assert.True(sheet.Cell(1, c).Style.Font.Bold));
        Assert.Equal(36, sheet.Column(6).Width, 0.001);
        Assert.Equal(18, sheet.Column(8).Width, 0.001);
        Assert.Equal(XLColor.FromHtml("#FFF2CC"), sheet.Cell(3, 8).Style.Fill.BackgroundColor);
        Assert.NotEqual(XLColor.FromHtml("#FFF2CC"), sheet.Cell(3, 7).Style.Fill.BackgroundColor);
        Assert.Equal(193, sheet.LastRowUsed().RowNumber());
    }

    [Fact]
    public void XlsxTemplate_TargetsAreReadOnlyTextAndValuesEditable()
    {
        using var stream = Generate(Period.YearEnd, TemplateFormat.Xlsx);
        using var workbook = new XLWorkbook(stream);
        var sheet = workbook.Worksheet(1);
        var rate = sheet.RowsUsed().Single(r => r.Cell(3).GetString() == Tongchuanghui && r.Cell(6).GetString() == "预算执行率");
        var count = sheet.RowsUsed().Single(r => r.Cell(3).GetString() == Tongchuanghui && r.Cell(6).GetString() == "资金到位率");

        Assert.True(sheet.IsProtected);
        Assert.True(count.Cell(7).Style.Protection.Locked);
        Assert.False(count.Cell(8).Style.Protection.Locked);
        Assert.False(count.Cell(9).Style.Protection.Locked);
        // "100%" and "=100%" stay text: not a number, not a formula.
        Assert.Equal(("100%", XLDataType.Text, false), (count.Cell(7).GetString(), count.Cell(7).DataType, count.Cell(7).HasFormula));
        Assert.Equal(("=100%（由执行数自动计算，无需填写）", false), (rate.Cell(7).GetString(), rate.Cell(7).HasFormula));
        // 预算执行率 is computed: its 实际完成值 is locked, its 偏差原因 is not.
        Assert.True(rate.Cell(8).Style.Protection.Locked);
        Assert.False(rate.Cell(9).Style.Protection.Locked);
        Assert.Equal("@", sheet.Cell(2, 8).Style.NumberFormat.Format);
    }

    [Fact]
    public void XlsxTemplate_MidYear_HasDropDownListsForTheChoices()
    {
        using var stream = Generate(Period.MidYear, TemplateFormat.Xlsx);
        using var workbook = new XLWorkbook(stream);
        var sheet = workbook.Worksheet(1);

        var lists = sheet.DataValidations.Where(v => v.AllowedValues == XLAllowedValues.List)
            .ToDictionary(v => v.Ranges.Single().RangeAddress.ToString()!, v => v.Value);

        Assert.Equal(2, lists.Count);
        Assert.Equal("\"经费保障,制度保障,人员保障,硬件条件保障,其他\"", lists["J2:J193"]);
        Assert.Equal("\"确定能,有可能,完全不可能\"", lists["K2:K193"]);
    }

    [Fact]
    public void XlsxTemplate_YearEnd_HasNoDropDownLists()
    {
        using var stream = Generate(Period.YearEnd, TemplateFormat.Xlsx);
        using var workbook = new XLWorkbook(stream);

        Assert.Empty(workbook.Worksheet(1).DataValidations);
    }

    [Fact]
    public void CsvTemplate_StartsWithUtf8BomAndTheHeader()
    {
        using var stream = Generate(Period.MidYear, TemplateFormat.Csv);
        var bytes = stream.ToArray();

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n");
        Assert.Equal("年度,主管部门,项目名称,一级指标,二级指标,三级指标,半年指标值,实际完成值,偏差原因分析及改进措施,偏差原因类型,完成目标可能性", lines[0]);
        Assert.Equal("2026,南通市科学技术局,“通创荟”和科技招商经费专项,项目资金,,执行数,半年计划执行数 13.5万元（全年预算数 135万元）,,,,", lines[1]);
    }

    [Fact]
    public void CsvTemplate_TargetStartingWithEquals_IsNotAFormulaForExcel()
    {
        using var stream = Generate(Period.YearEnd, TemplateFormat.Csv, [Seed.Project("网络设备设施运行与维护费")]);
        var text = Encoding.UTF8.GetString(stream.ToArray());

        Assert.Contains(",等保测评及安全运维服务成果,＝3项报告、应急预案报告、安全巡检报告,", text);
        Assert.DoesNotContain(",=", text);
    }

    [Theory]
    [InlineData("=100%", "＝100%")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("≥1800个", "≥1800个")]
    [InlineData("", "")]
    public void Neutralize_FormulaStarts_AreDefused(string text, string expected)
    {
        Assert.Equal(expected, ActualsTemplate.Neutralize(text));
    }
}
