using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using BudgetEvaluation.Commands;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;
using MiniExcelLibs;

namespace BudgetEvaluation.Core.Tests.Import;

public sealed class FlatTableImporterTests : IDisposable
{
    private const string Header = "年度,主管部门,项目名称,一级指标,二级指标,三级指标,半年指标值,全年指标值,资金总额,全年预算数";

    private readonly string _temp = Directory.CreateTempSubdirectory("flat-import-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    // ---- the seed, converted to the flat form, imports to the same rules as the text form ----

    [Theory]
    [InlineData("seed-utf8-bom.csv", "utf-8-bom", true)]
    [InlineData("seed-utf8.csv", "utf-8", true)]
    [InlineData("seed-gb18030.csv", "gb18030", true)]
    [InlineData("seed.xlsx", "", true)]
    [InlineData("seed-first-row-only.csv", "utf-8-bom", false)]
    [InlineData("seed-first-row-only.xlsx", "", false)]
    public void Import_SeedConvertedToFlatForm_GivesRulesFilesIdenticalToTextImport(string fileName, string encoding, bool repeatProjectColumns)
    {
        var text = TextImportOfSeed();
        var path = Path.Combine(_temp, fileName);
        var csvEncoding = encoding switch
        {
            "utf-8" => new UTF8Encoding(false),
            "gb18030" => TextDecoding.Gb18030,
            _ => FlatTableWriter.Utf8WithBom,
        };
        var written = FlatTableWriter.Write(path, text, csvEncoding, repeatProjectColumns);

        var flat = TargetFiles.Read(path).ToList();

        Assert.Equal(12, written);
        Assert.Equal(12, flat.Count);
        Assert.All(flat, t => Assert.Empty(t.Errors));
        for (var i = 0; i < 12; i++)
        {
            var expected = RulesFile.Serialize(text[i]);
            var actual = RulesFile.Serialize(flat[i].Table!);
            var expectedJson = JsonNode.Parse(expected)!;
            var actualJson = JsonNode.Parse(actual)!;
            Assert.True(JsonNode.DeepEquals(expectedJson["workflows"], actualJson["workflows"]), $"workflows differ for {text[i].Project.Name}");
            Assert.True(JsonNode.DeepEquals(expectedJson["project"]!["funds"], actualJson["project"]!["funds"]), $"funds differ for {text[i].Project.Name}");
            // Every project column is written, so the whole file is identical, texts included.
            Assert.Equal(expected, actual);
        }
        var office = flat.Single(t => t.Table!.Project.Name == "办公设备购置").Table!.Project.Funds;
        Assert.Equal(14.5m, office.AnnualBudget);
        Assert.Equal(0m, office.MidYearPlannedSpend);
    }

    [Fact]
    public void WriteCsv_Gb18030_IsDetectedAsGb18030NotUtf8()
    {
        var path = Path.Combine(_temp, "seed-gb18030.csv");
        FlatTableWriter.WriteCsv(path, TextImportOfSeed(), TextDecoding.Gb18030);

        using var stream = File.OpenRead(path);

        Assert.Equal(54936, TextDecoding.Detect(stream).CodePage);
    }

    [Fact]
    public void ExportFlat_CommittedSeedRules_ReimportToByteIdenticalRulesFiles()
    {
        var rules = Path.Combine(RepoRoot(), "rules");
        var csv = Path.Combine(_temp, "export.csv");
        var root = new RootCommand { ExportFlatCommand.Create() };

        var exitCode = root.Parse(["export-flat", rules, "--out", csv]).Invoke();
        var (projects, errors) = RulesImport.Run(csv, Path.Combine(_temp, "rules"));

        Assert.Equal(0, exitCode);
        Assert.Empty(errors);
        Assert.Equal(12, projects.Count);
        foreach (var committed in Directory.GetFiles(Path.Combine(rules, "2026", "南通市科学技术局"), "*.json"))
        {
            var reimported = Path.Combine(_temp, "rules", "2026", "南通市科学技术局", Path.GetFileName(committed));
            Assert.Equal(File.ReadAllBytes(committed), File.ReadAllBytes(reimported));
        }
    }

    // ---- fixtures ----

    [Fact]
    public void Import_MinimalCsvWithHeaderAliasesAndShortCategories_GivesTheTextImportWorkflows()
    {
        var imports = FlatTableImporter.ReadCsv(Fixture("flat-minimal.csv")).ToList();

        var table = Assert.Single(imports).Table!;
        Assert.Empty(imports[0].Errors);
        Assert.Equal(2, imports[0].Line);
        var expected = TextImportOfSeed().Single(t => t.Project.Name == "水电费补差");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RulesFile.Serialize(expected))!["workflows"], JsonNode.Parse(RulesFile.Serialize(table))!["workflows"]));
        Assert.Equal(15, table.Indicators.Count);
        Assert.Equal("产出指标/数量指标/正常用水用电率", table.Indicators[11].Path);
        Assert.Equal("决策/项目立项/立项程序规范性", table.Indicators[1].Path);
        Assert.Equal("效益指标/社会效益/对单位履职、促进事业发展的影响或提升程度", table.Indicators[14].Path);
        Assert.Equal("序时进度", table.Indicators[6].MidYearTarget.Text);
        Assert.Equal("", table.Project.ImplementingUnit);
        Assert.Equal("", table.Project.AnnualGoal);
    }

    [Fact]
    public void Import_BlankAnnualBudget_TakesTotalFunds()
    {
        var table = FlatTableImporter.ReadCsv(Fixture("flat-minimal.csv")).Single().Table!;

        Assert.Equal(6.2m, table.Project.Funds.Total);
        Assert.Equal(6.2m, table.Project.Funds.AnnualBudget);
        Assert.Equal(2.48m, table.Project.Funds.MidYearPlannedSpend);
        Assert.Null(table.Project.Funds.FiscalAppropriation);
    }

    [Fact]
    public void Import_MergedCellGb18030CsvWithTitleRow_FillsDownKeysAndSubcategories()
    {
        var imports = FlatTableImporter.ReadCsv(Fixture("flat-merged-gb18030.csv")).ToList();

        Assert.Equal(2, imports.Count);
        Assert.All(imports, t => Assert.Empty(t.Errors));
        Assert.Equal([3, 18], imports.Select(t => t.Line));
        var property = imports[0].Table!;
        var network = imports[1].Table!;
        Assert.Equal("物业管理费", property.Project.Name);
        Assert.Equal("网络设备设施运行与维护费", network.Project.Name);
        Assert.Equal(2026, network.Project.Year);
        Assert.Equal("南通市科学技术局", network.Project.Department);
        Assert.Equal("常年安排项目", network.Project.ProjectType);
        Assert.Equal("保障网络安全稳定运行", network.Project.LongTermGoal);
        Assert.Equal(15, property.Indicators.Count);
        Assert.Equal(15, network.Indicators.Count);
        Assert.Equal("决策/项目立项/立项依据充分性", property.Indicators[1].Path);
        Assert.Equal("过程/资金管理/资金使用合规性", network.Indicators[7].Path);
        Assert.Equal(15m, network.Project.Funds.MidYearPlannedSpend);
        Assert.Equal(31.39m, network.Project.Funds.AnnualBudget);
        Assert.Equal(0m, network.Project.Funds.CarriedOver);
        Assert.Null(network.Project.Funds.GovernmentFund);
        var expected = TextImportOfSeed().Single(t => t.Project.Name == "网络设备设施运行与维护费");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RulesFile.Serialize(expected))!["workflows"], JsonNode.Parse(RulesFile.Serialize(network))!["workflows"]));
    }

    [Fact]
    public void Import_WeightAndToleranceColumns_MarkTheRuleWeightedAndExact()
    {
        var property = FlatTableImporter.ReadCsv(Fixture("flat-merged-gb18030.csv")).First().Table!;

        var area = property.Indicators.Single(i => i.Name == "物业服务面积");
        Assert.Equal(20m, area.Weight);
        Assert.Equal(0.5m, area.Tolerance);
        Assert.All(property.Indicators.Where(i => i != area), i => Assert.Null(i.Weight));
        var rule = JsonNode.Parse(RulesFile.Serialize(property))!["workflows"]![1]!["Rules"]!.AsArray()
            .Single(r => (string?)r!["RuleName"] == "产出指标/数量指标/物业服务面积")!["Properties"]!;
        Assert.Equal(20m, (decimal)rule["weight"]!);
        Assert.True((bool)rule["exact"]!);
        Assert.Equal(0.5m, (decimal)rule["tolerance"]!);
    }

    [Fact]
    public void Import_FileWithSeveralMistakes_ReportsEveryOneWithRowAndColumn()
    {
        var imports = FlatTableImporter.ReadCsv(Fixture("flat-errors.csv")).ToList();

        var errors = imports.SelectMany(t => t.Errors).Select(e => (e.Line, e.Field)).ToList();
        Assert.Equal([(3, "资金总额"), (3, "半年指标值"), (4, "二级指标"), (5, "一级指标"), (6, "项目名称")], errors);
        Assert.Equal([2, 4, 6, 7], imports.Select(t => t.Line));
        Assert.Equal([false, false, false, true], imports.Select(t => t.Succeeded));
        Assert.Equal("丙项目", imports[3].Table!.Project.Name);
    }

    // ---- bad input, one mistake at a time ----

    [Fact]
    public void Import_HeaderWithoutYearEndTarget_ReportsMissingColumnOnHeaderRow()
    {
        var csv = """
            年度,主管部门,项目名称,二级指标,三级指标,半年指标值,资金总额
            2026,测试局,甲项目,数量指标,培训场次,≥2场,100
            """;

        var error = Assert.Single(Read(csv).SelectMany(t => t.Errors));

        Assert.Equal(1, error.Line);
        Assert.Equal("全年指标值", error.Field);
        Assert.Equal("test.csv 第1行 [全年指标值]：缺少必需的列“全年指标值”", error.ToString());
    }

    [Fact]
    public void Import_HeaderWithoutAnnualBudgetOrTotal_ReportsMissingFundsColumn()
    {
        var csv = """
            年度,主管部门,项目名称,二级指标,三级指标,半年指标值,全年指标值,半年计划执行数
            2026,测试局,甲项目,数量指标,培训场次,≥2场,≥4场,10
            """;

        var error = Assert.Single(Read(csv).SelectMany(t => t.Errors));

        Assert.Equal("test.csv 第1行 [全年预算数]：缺少必需的列“全年预算数”或“资金总额”（全年预算数为空时取资金总额）", error.ToString());
    }

    [Fact]
    public void Import_UnparseableTarget_NamesRowColumnAndText()
    {
        var csv = $"""
            {Header}
            2026,测试局,甲项目,产出,数量指标,培训场次,≥2场,≥4场,100,100
            2026,测试局,甲项目,产出,质量指标,培训合格率,≥90%,≥九十%,,
            """;

        var import = Assert.Single(Read(csv));

        Assert.False(import.Succeeded);
        var error = Assert.Single(import.Errors);
        Assert.Equal("test.csv 第3行 [全年指标值]：项目“甲项目”指标“培训合格率”：无法识别的指标值“≥九十%”：比较符号后应为数字（“≥九十%”）", error.ToString());
    }

    [Fact]
    public void Import_ConflictingFundsWithinProject_NamesRowColumnAndBothValues()
    {
        var csv = $"""
            {Header}
            2026,测试局,甲项目,产出,数量指标,培训场次,≥2场,≥4场,135,135
            2026,测试局,甲项目,产出,质量指标,培训合格率,≥90%,≥95%,135,130
            """;

        var error = Assert.Single(Read(csv).SelectMany(t => t.Errors));

        Assert.Equal("test.csv 第3行 [全年预算数]：项目“甲项目”：全年预算数在第2行为“135”，此处为“130”；同一项目各行的项目资金必须一致（或只填在项目的第一行）", error.ToString());
    }

    [Fact]
    public void Import_FundsRepeatedInDifferentSpellings_AreOneValue()
    {
        var csv = $"""
            {Header}
            2026,测试局,甲项目,产出,数量指标,培训场次,≥2场,≥4场,135,135
            2026,测试局,甲项目,产出,质量指标,培训合格率,≥90%,≥95%,135.00,135万元
            2026,测试局,甲项目,产出,时效指标,完成时间,≤6月,≤12月,,
            """;

        var import = Assert.Single(Read(csv));

        Assert.True(import.Succeeded);
        Assert.Equal(135m, import.Table!.Project.Funds.AnnualBudget);
        Assert.Equal(3, import.Table.Indicators.Count);
    }

    [Fact]
    public void Import_BadAmountRepeatedOnEveryRow_IsReportedOnceOnItsFirstRow()
    {
        var csv = $"""
            {Header}
            2026,测试局,甲项目,产出,数量指标,培训场次,≥2场,≥4场,一百,100
            2026,测试局,甲项目,产出,质量指标,培训合格率,≥90%,≥95%,一百,100
            """;

        var error = Assert.Single(Read(csv).SelectMany(t => t.Errors));

        Assert.Equal("test.csv 第2行 [资金总额]：项目“甲项目”：资金总额“一百”不是数字（应为万元金额，如 135 或 19.53）", error.ToString());
    }

    [Fact]
    public void Import_ProjectReappearingAfterAnother_IsErrorNamingRowAndEarlierRows()
    {
        var csv = $"""
            {Header}
            2026,测试局,甲项目,产出,数量指标,培训场次,≥2场,≥4场,100,100
            2026,测试局,甲项目,产出,质量指标,培训合格率,≥90%,≥95%,,
            2026,测试局,乙项目,产出,数量指标,设备数量,≥5台,≥10台,30,30
            2026,测试局,甲项目,效益,社会效益,群众满意程度,较高,较高,,
            """;

        var imports = Read(csv);

        Assert.Equal([true, true, false], imports.Select(t => t.Succeeded));
        var error = Assert.Single(imports[2].Errors);
        Assert.Equal("test.csv 第5行 [项目名称]：项目“甲项目”（测试局，2026年度）已在第2–3行出现，此处再次出现：同一项目的各行必须相邻", error.ToString());
    }

    [Fact]
    public void Import_UnknownSubcategory_NamesRowColumnAndValue()
    {
        var csv = $"""
            {Header}
            2026,测试局,甲项目,产出,数量指标,培训场次,≥2场,≥4场,100,100
            2026,测试局,甲项目,产出,产出质量,培训合格率,≥90%,≥95%,,
            """;

        var error = Assert.Single(Read(csv).SelectMany(t => t.Errors));

        Assert.Equal(3, error.Line);
        Assert.Equal("二级指标", error.Field);
        Assert.StartsWith("test.csv 第3行 [二级指标]：项目“甲项目”：二级指标“产出质量”不是标准二级指标（应为 项目立项、", error.ToString());
    }

    [Fact]
    public void Import_CategoryContradictingSubcategory_IsErrorOnTheCategoryColumn()
    {
        var csv = $"""
            {Header}
            2026,测试局,甲项目,效益,数量指标,培训场次,≥2场,≥4场,100,100
            """;

        var error = Assert.Single(Read(csv).SelectMany(t => t.Errors));

        Assert.Equal("test.csv 第2行 [一级指标]：项目“甲项目”：二级指标“数量指标”属于“产出指标”，不属于一级指标“效益”", error.ToString());
    }

    [Fact]
    public void Import_ToleranceOnComparisonTarget_IsErrorOnTheToleranceColumn()
    {
        var csv = """
            年度,主管部门,项目名称,二级指标,三级指标,半年指标值,全年指标值,容差,资金总额
            2026,测试局,甲项目,数量指标,培训场次,≥2场,≥4场,1,100
            """;

        var error = Assert.Single(Read(csv).SelectMany(t => t.Errors));

        Assert.Equal(2, error.Line);
        Assert.Equal("容差", error.Field);
        Assert.Contains("容差“1”只适用于“=”指标值", error.Message);
    }

    [Fact]
    public void Import_EmptyFile_ReportsMissingHeader()
    {
        var error = Assert.Single(Read("").SelectMany(t => t.Errors));

        Assert.Equal("test.csv [表头]：文件为空：没有表头行", error.ToString());
    }

    [Fact]
    public void Import_Utf8CsvWithGb18030RowPast64KiB_ReportsEncodingErrorInsteadOfThrowing()
    {
        // The first 64 KiB decide the encoding; a GB18030 row after them cannot be decoded as UTF-8.
        var utf8 = new StringBuilder(Header + "\n");
        for (var row = 2; row <= 1001; row++)
            utf8.Append($"2026,测试局,甲项目,产出,数量指标,培训场次{row},≥2场,≥4场,100,100\n");
        var bytes = Encoding.UTF8.GetBytes(utf8.ToString())
            .Concat(TextDecoding.Gb18030.GetBytes("2026,测试局,甲项目,产出,质量指标,培训合格率,≥90%,≥95%,,\n"))
            .ToArray();
        Assert.True(bytes.Length > 64 * 1024);

        var imports = FlatTableImporter.ReadCsv(new MemoryStream(bytes), "mixed.csv").ToList();

        var import = Assert.Single(imports);
        var error = Assert.Single(import.Errors);
        Assert.Equal("文件编码", error.Field);
        Assert.Equal("文件含有无法识别的字符：请保存为 UTF-8 或 GB18030 编码", error.Message);
    }

    [Fact]
    public void RulesImport_FlatCsvWithOneBadProject_WritesNoRulesFiles()
    {
        var rules = Path.Combine(_temp, "rules");

        var (projects, errors) = RulesImport.Run(Fixture("flat-errors.csv"), rules);

        Assert.Empty(projects);
        Assert.Equal(5, errors.Count);
        Assert.False(Directory.Exists(Path.Combine(rules, "2026")));
    }

    // ---- XLSX specifics ----

    [Fact]
    public void Import_XlsxWithTitleRowAndNumericCells_ReadsYearAndAmountsExactly()
    {
        var path = WriteXlsx(badTarget: false);

        var import = Assert.Single(FlatTableImporter.ReadXlsx(path));

        Assert.Empty(import.Errors);
        Assert.Equal(4, import.Line);
        var project = import.Table!.Project;
        Assert.Equal(2026, project.Year);
        Assert.Equal(19.53m, project.Funds.Total);
        Assert.Equal(19.53m, project.Funds.AnnualBudget);
        Assert.Equal("=2517.03平方米", import.Table.Indicators[0].YearEndTarget.Text);
    }

    [Fact]
    public void Import_XlsxWithBadTarget_NamesTheSheetRow()
    {
        var path = WriteXlsx(badTarget: true);

        var error = Assert.Single(FlatTableImporter.ReadXlsx(path).SelectMany(t => t.Errors));

        Assert.Equal("test.xlsx 第5行 [半年指标值]：项目“物业管理费”指标“经费支出时效性”：无法识别的指标值“<=五成”：比较符号后应为数字（“<=五成”）", error.ToString());
    }

    [Fact]
    public void Import_FileThatIsNotXlsx_ReportsErrorInsteadOfThrowing()
    {
        var path = Path.Combine(_temp, "broken.xlsx");
        File.WriteAllText(path, "年度,主管部门,项目名称");

        var import = Assert.Single(TargetFiles.Read(path));

        var error = Assert.Single(import.Errors);
        Assert.Equal("文件", error.Field);
        Assert.StartsWith("无法读取 XLSX 文件", error.Message);
    }

    // ---- helpers ----

    private static List<TableImport> Read(string csv) => FlatTableImporter.ReadCsv(new StringReader(csv), "test.csv").ToList();

    private string WriteXlsx(bool badTarget)
    {
        static Dictionary<string, object?> Row(params object?[] cells)
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < 9; i++)
                row[((char)('A' + i)).ToString()] = i < cells.Length ? cells[i] : null;
            return row;
        }
        var rows = new List<Dictionary<string, object?>>
        {
            Row("2026年度项目支出绩效目标表"),
            Row(),
            Row("年度", "主管部门", "项目名称", "二级指标", "三级指标", "半年（程）指标值", "全年（程）指标值", "资金总额（万元）", "备注"),
            Row(2026, "南通市科学技术局", "物业管理费", "数量指标", "物业服务面积", "=2517.03平方米", "=2517.03平方米", 19.53, "面积按合同"),
        };
        if (badTarget)
            rows.Add(Row(2026, "南通市科学技术局", "物业管理费", "时效指标", "经费支出时效性", "<=五成", "≤100%", 19.53));
        var path = Path.Combine(_temp, "test.xlsx");
        MiniExcel.SaveAs(path, rows, printHeader: false);
        return path;
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static List<TargetTable> TextImportOfSeed()
    {
        var imports = TargetTableTextImporter.Read(Path.Combine(RepoRoot(), "seeds", "000_39cb5bcb496eb896.txt")).ToList();
        Assert.All(imports, t => Assert.Empty(t.Errors));
        Assert.Equal(12, imports.Count);
        return imports.Select(t => t.Table!).ToList();
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BudgetEvaluation.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("BudgetEvaluation.sln not found above the test output folder");
    }
}
