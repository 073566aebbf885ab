using System.Text;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using static BudgetEvaluation.Core.Tests.Hostile.HostileFiles;

namespace BudgetEvaluation.Core.Tests.Hostile;

/// <summary>Content: wrong encodings, formula injection, duplicate headers, NUL bytes, full-width and right-to-left text.</summary>
public sealed partial class HostileFileTests
{
    static HostileFileTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static string SeedFlatCsv()
    {
        using var writer = new StringWriter();
        FlatTableWriter.WriteCsv(writer, TestFiles.ImportSeed().Select(i => i.Table!));
        return writer.ToString();
    }

    private static string ActualsFixture => File.ReadAllText(Seed.Fixture("actuals-year-end.csv"));

    [Fact]
    public void Targets_Utf16WithBom_ImportsTheSameTables()
    {
        var path = Write("utf16.csv", SeedFlatCsv(), new UnicodeEncoding(bigEndian: false, byteOrderMark: true));

        var (tables, errors) = ReadTargets(path);

        Assert.Empty(errors);
        Assert.Equal(TestFiles.SeedProjects, tables.Select(t => t.Table!.Project.Name));
        Assert.Equal(180, tables.Sum(t => t.Table!.Indicators.Count));
    }

    [Theory]
    [InlineData("utf16-no-bom.csv")]
    [InlineData("utf16-no-bom.txt")]
    public void Targets_Utf16WithoutBom_IsRefusedWithOneError(string name)
    {
        var text = name.EndsWith(".txt", StringComparison.Ordinal) ? TestFiles.SeedText : SeedFlatCsv();
        var path = Write(name, text, new UnicodeEncoding(bigEndian: false, byteOrderMark: false));

        var (tables, errors) = ReadTargets(path);

        Assert.All(tables, t => Assert.Null(t.Table));
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", Assert.Single(errors).Message);
    }

    [Theory]
    [InlineData("shift-jis.csv")]
    [InlineData("shift-jis.txt")]
    public void Targets_ShiftJisBytes_AreRefusedNotMisread(string name)
    {
        var text = name.EndsWith(".txt", StringComparison.Ordinal) ? TestFiles.SeedText : SeedFlatCsv();
        var path = Write(name, text, Encoding.GetEncoding("shift_jis"));

        var (tables, errors) = ReadTargets(path);

        Assert.All(tables, t => Assert.Null(t.Table));
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", e.Message));
    }

    [Fact]
    public void Actuals_Utf16WithBom_MatchesEverySeedRow()
    {
        var path = Write("actuals-utf16.csv", ActualsFixture, new UnicodeEncoding(bigEndian: false, byteOrderMark: true));

        var (rows, errors) = ReadActuals(path);

        Assert.Empty(errors);
        Assert.Equal(179, rows.Count);
    }

    [Fact]
    public void Actuals_ShiftJisBytes_AreRefusedNamingTheMissingColumns()
    {
        var path = Write("actuals-sjis.csv", ActualsFixture, Encoding.GetEncoding("shift_jis"));

        var (rows, errors) = ReadActuals(path);

        Assert.Empty(rows);
        Assert.Equal(["项目名称", "三级指标", "实际完成值"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Targets_FormulaLikeNames_AreRefusedNamingEach()
    {
        var path = Write("formula.csv", string.Join("\n",
            FlatHeader,
            "2026,南通市科学技术局,=cmd|' /C calc'!A0,数量指标,设备数量,≥1台,≥2台,100",
            "2026,南通市科学技术局,正常项目,数量指标,@SUM(1+1),≥1台,≥2台,100",
            "2026,南通市科学技术局,正常项目,数量指标,+1+1,≥1台,≥2台,100",
            "2026,-2+3,另一项目,数量指标,设备数量,≥1台,≥2台,100",
            "2026,南通市科学技术局,第三项目,数量指标,设备数量,=1+cmd|' /C calc'!A0,≥2台,100"));

        var errors = ReadTargets(path).Errors;

        Assert.Equal(
        [
            "formula.csv 第2行 [项目名称]：项目名称“=cmd|' /C calc'!A0”以“=”开头，电子表格会把它当作公式执行：请去掉开头的符号",
            "formula.csv 第3行 [三级指标]：三级指标“@SUM(1+1)”以“@”开头，电子表格会把它当作公式执行：请去掉开头的符号",
            "formula.csv 第4行 [三级指标]：三级指标“+1+1”以“+”开头，电子表格会把它当作公式执行：请去掉开头的符号",
            "formula.csv 第5行 [主管部门]：主管部门“-2+3”以“-”开头，电子表格会把它当作公式执行：请去掉开头的符号",
            "formula.csv 第6行 [半年指标值]：项目“第三项目”指标“设备数量”：无法识别的指标值“=1+cmd|' /C calc'!A0”：数字“1+cmd|'/Ccalc'!A0”写法不规范（“=1+cmd|' /C calc'!A0”）",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Actuals_FormulaAsAValue_IsRefusedAndAsAnExplanation_IsKeptVerbatim()
    {
        var formula = "=HYPERLINK(\"http://example.invalid\",\"点击\")";
        var path = Write("formula-actuals.csv", string.Join("\n",
            ActualsHeader,
            "物业管理费,产出指标,数量指标,物业服务面积,=cmd|' /C calc'!A0,",
            $"物业管理费,产出指标,时效指标,物业服务完成及时性,达成,\"{formula.Replace("\"", "\"\"", StringComparison.Ordinal)}\""));

        var (rows, errors) = ReadActuals(path);

        Assert.Equal("formula-actuals.csv 第2行 [实际完成值]：项目“物业管理费”指标“物业服务面积”：应为数值（目标为“=2517.03平方米”），实际为“=cmd|' /C calc'!A0”", Assert.Single(errors).ToString());
        // Explanations are text: kept as written here, neutralised where a report writes them (SpreadsheetText).
        Assert.Equal(formula, rows[1].Deviation);
    }

    [Fact]
    public void Targets_DuplicateHeader_IsRefusedNamingBothColumns()
    {
        var path = Write("dup.csv", "年度,主管部门,项目名称,项目名称,二级指标,三级指标,半年指标值,全年指标值,全年预算数\n2026,局,项目,项目,数量指标,x,≥1个,≥2个,1\n");

        var errors = ReadTargets(path).Errors;

        Assert.Equal("dup.csv 第1行 [项目名称]：列“项目名称”与第C列“项目名称”重复：每列只能出现一次", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Actuals_DuplicateHeader_IsRefusedNamingBothColumns()
    {
        var path = Write("dup-actuals.csv", "项目名称,三级指标,实际完成值,实际完成值\n物业管理费,物业服务面积,2517.03,1\n");

        var (_, errors) = ReadActuals(path);

        Assert.Equal("dup-actuals.csv 第1行 [实际完成值]：表头“实际完成值”重复出现（第3列和第4列）：每列只能出现一次", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Targets_NulByteInACell_IsRefusedNamingRowAndColumn()
    {
        var path = Write("nul.csv", FlatHeader + "\n2026,南通市科学技术局,项目\0名称,数量指标,设备数量,≥1台,≥2台,100\n");

        Assert.Equal("nul.csv 第2行 [第C列]：单元格含有控制字符（如 NUL），文件可能已损坏或不是文本：请检查后重新保存", Assert.Single(ReadTargets(path).Errors).ToString());
    }

    [Fact]
    public void Targets_NulByteInATextTable_IsRefusedAsBinary()
    {
        var seed = TestFiles.SeedText;
        var path = Write("nul.txt", seed.Insert(seed.IndexOf("物业管理费", StringComparison.Ordinal), "\0"));

        var error = Assert.Single(ReadTargets(path).Errors);

        Assert.Equal("文件格式", error.Field);
        Assert.Equal("文件含有二进制内容，不是目标表文本：请上传 UTF-8 或 GB18030 编码的 .txt 文本", error.Message);
    }

    [Fact]
    public void Actuals_NulByteInACell_IsRefusedNamingRowAndColumn()
    {
        var path = Write("nul-actuals.csv", ActualsHeader + "\n物业管理费,产出指标,数量指标,物业服务面积,25\01,\n");

        Assert.Equal("nul-actuals.csv 第2行 [第5列]：单元格含有控制字符（如 NUL），文件可能已损坏或不是文本：请检查后重新保存", Assert.Single(ReadActuals(path).Errors).ToString());
    }

    [Fact]
    public void Targets_FullWidthAndRightToLeftText_ImportAsWritten()
    {
        // U+202E (right-to-left override) and U+200F are format characters: kept verbatim, as a name's bytes must match on upload.
        var name = "设备\u202E购置\u200F";
        var path = Write("rtl.csv", FlatHeader + $"\n２０２６,南通市科学技术局,{name},数量指标,设备数量,＞＝１８００个,≧３６００　个,１３５\n");

        var (tables, errors) = ReadTargets(path);

        Assert.Empty(errors);
        var table = Assert.Single(tables).Table!;
        Assert.Equal((2026, name, 135m), (table.Project.Year, table.Project.Name, table.Project.Funds.AnnualBudget));
        var indicator = Assert.Single(table.Indicators);
        Assert.Equal((1800m, "个", "≥"), (indicator.MidYearTarget.Value, indicator.MidYearTarget.Unit, indicator.MidYearTarget.Comparison));
        Assert.Equal((3600m, "个"), (indicator.YearEndTarget.Value, indicator.YearEndTarget.Unit));
    }

    [Fact]
    public void Actuals_FullWidthDigitsAndRightToLeftMarks_MatchTheSeed()
    {
        var path = Write("rtl-actuals.csv", ActualsHeader + "\n物业管理费,产出指标,数量指标,物业服务面积,２５１７．０３平方米,\u202E说明\u202C\n");

        var (rows, errors) = ReadActuals(path);

        Assert.Empty(errors);
        var set = ActualsSet.Match(rows, Seed.Projects, BudgetEvaluation.Core.Targets.Period.YearEnd, "rtl-actuals.csv");
        var actual = Assert.Single(set.For(Seed.Project("物业管理费")).Indicators.Values);
        Assert.Equal(2517.03, actual.Input.Value);
        Assert.Equal("\u202E说明\u202C", actual.Deviation);
    }
}
