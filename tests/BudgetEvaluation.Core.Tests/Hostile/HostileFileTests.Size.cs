using System.Text;
using BudgetEvaluation.Core.Import;
using static BudgetEvaluation.Core.Tests.Hostile.HostileFiles;

namespace BudgetEvaluation.Core.Tests.Hostile;

/// <summary>Size: a 10 MB cell, a million rows, a file past the row limit, a flood of errors.</summary>
public sealed partial class HostileFileTests
{
    private const int TenMegabytes = 10 * 1024 * 1024;

    [Fact]
    public void Targets_CsvWithA10MegabyteCell_IsRefusedNamingTheRow()
    {
        var path = Write("big-cell.csv", FlatHeader + "\n2026,南通市科学技术局,项目,数量指标," + new string('指', TenMegabytes) + ",≥1个,≥2个,100\n");

        List<ImportError> errors = [];
        var allocated = Allocated(() => errors = ReadTargets(path).Errors);

        Assert.Equal("big-cell.csv 第2行 [单元格]：单元格长度超过上限 32767 个字符（Excel 单元格的上限）", Assert.Single(errors).ToString());
        Assert.True(allocated < 64 * MiB, $"allocated {allocated / MiB} MiB");
    }

    [Fact]
    public void Targets_XlsxWithA10MegabyteCell_IsRefusedNamingRowAndColumn()
    {
        var path = _dir.File("big-cell.xlsx");
        WriteXlsx(path, [FlatHeader.Split(','), ["2026", "南通市科学技术局", "项目", "数量指标", new string('指', TenMegabytes), "≥1个", "≥2个", "100"]]);

        var errors = ReadTargets(path).Errors;

        Assert.Equal("big-cell.xlsx 第2行 [第E列]：单元格长度 10485760 个字符，超过上限 32767 个字符（Excel 单元格的上限）", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Targets_TextLineWithA10MegabyteCell_IsRefusedAsTooLong()
    {
        var seed = TestFiles.SeedText;
        var at = seed.IndexOf("立项必要性\t", StringComparison.Ordinal) + "立项必要性\t".Length;
        var path = Write("big-cell.txt", seed[..at] + new string('文', TenMegabytes) + "\t" + seed[at..]);

        var errors = ReadTargets(path).Errors;

        Assert.Equal("big-cell.txt 第11行 [行长度]：本行超过 1048576 个字符的上限，不是目标表文本", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Targets_TextCellOverTheCellLimit_IsRefused()
    {
        var seed = TestFiles.SeedText;
        var at = seed.IndexOf("立项必要性\t", StringComparison.Ordinal) + "立项必要性\t".Length;
        var path = Write("long-cell.txt", seed[..at] + new string('文', 100_000) + "\t" + seed[at..]);

        var errors = ReadTargets(path).Errors;

        Assert.Equal("long-cell.txt 第11行 [单元格]：单元格长度 100000 个字符，超过上限 32767 个字符（Excel 单元格的上限）", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Targets_TextFileWithoutLineBreaks_IsRefusedWithoutReadingItWhole()
    {
        var path = Write("one-line.txt", new string('表', 20 * 1024 * 1024));

        List<ImportError> errors = [];
        var allocated = Allocated(() => errors = ReadTargets(path).Errors);

        Assert.Equal("one-line.txt 第1行 [行长度]：本行超过 1048576 个字符的上限，不是目标表文本", Assert.Single(errors).ToString());
        Assert.True(allocated < 128 * MiB, $"allocated {allocated / MiB} MiB");
    }

    [Fact]
    public void Actuals_CsvWithA10MegabyteCell_IsRefusedNamingTheRow()
    {
        var path = Write("big-cell-actuals.csv", ActualsHeader + "\n物业管理费,产出指标,数量指标,物业服务面积," + new string('1', TenMegabytes) + ",\n");

        List<ImportError> errors = [];
        var allocated = Allocated(() => errors = ReadActuals(path).Errors);

        Assert.Equal("big-cell-actuals.csv 第2行 [单元格]：单元格长度超过上限 32767 个字符（Excel 单元格的上限）", Assert.Single(errors).ToString());
        Assert.True(allocated < 64 * MiB, $"allocated {allocated / MiB} MiB");
    }

    [Fact]
    public void Actuals_XlsxWithA10MegabyteCell_IsRefusedNamingRowAndColumn()
    {
        var path = _dir.File("big-cell-actuals.xlsx");
        WriteXlsx(path, [ActualsHeader.Split(','), ["物业管理费", "产出指标", "数量指标", "物业服务面积", "1", new string('因', TenMegabytes)]]);

        var errors = ReadActuals(path).Errors;

        Assert.Equal("big-cell-actuals.xlsx 第2行 [第6列]：单元格长度 10485760 个字符，超过上限 32767 个字符（Excel 单元格的上限）", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Targets_MillionRowCsv_StreamsEveryProject()
    {
        // 100 000 projects of 10 indicators: a province-sized bulk load, read one project at a time.
        var path = _dir.File("million.csv");
        File.WriteAllLines(path, FlatRows(100_000, 10));

        var projects = 0;
        var indicators = 0;
        var errors = 0;
        var allocated = Allocated(() =>
        {
            foreach (var import in TargetFiles.Read(path))
            {
                projects++;
                errors += import.Errors.Count;
                indicators += import.Table?.Indicators.Count ?? 0;
            }
        });

        Assert.Equal((100_000, 1_000_000, 0), (projects, indicators, errors));
        // Measured here: about 3.5 KiB allocated per row, all of it short-lived; twice that means rows are re-read or copied.
        Assert.True(allocated < 8L * 1024 * MiB, $"allocated {allocated / MiB} MiB");
    }

    [Fact]
    public void Actuals_MillionRowCsv_IsReadAndItsDuplicatesStopAtTheErrorLimit()
    {
        // The seed's 179 actual rows over and over: every row past the first 179 repeats one already given.
        var seedRows = File.ReadAllLines(Seed.Fixture("actuals-year-end.csv")).Skip(1).ToArray();
        var path = _dir.File("million-actuals.csv");
        File.WriteAllLines(path, Enumerable.Range(0, 1_000_000).Select(i => seedRows[i % seedRows.Length]).Prepend(ActualsHeader));

        (List<BudgetEvaluation.Core.Actuals.ActualRow> Rows, List<ImportError> Errors) result = ([], []);
        var allocated = Allocated(() => result = ReadActuals(path));

        Assert.Equal(1_000_000, result.Rows.Count);
        Assert.Equal(InputLimits.MaxErrors + 1, result.Errors.Count);
        Assert.Equal("million-actuals.csv 第181行 [三级指标]：项目““通创荟”和科技招商经费专项”的指标“立项程序规范性”重复填报：第2行已有同一行（本行实际完成值“规范”）", result.Errors[0].ToString());
        Assert.Equal("million-actuals.csv 第1181行 [文件]：错误超过 1000 条，已停止检查其余内容：请先改正以上错误后重新导入", result.Errors[^1].ToString());
        Assert.True(allocated < 1024 * MiB, $"allocated {allocated / MiB} MiB");
    }

    [Fact]
    public void Actuals_CsvPastTheRowLimit_IsRefusedNamingTheLimit()
    {
        var path = _dir.File("too-many-rows.csv");
        File.WriteAllLines(path, Enumerable.Repeat("物业管理费,,,物业服务面积,1,", InputLimits.MaxActualsRows + 1).Prepend(ActualsHeader));

        var errors = ReadActuals(path).Errors;

        Assert.Equal("too-many-rows.csv 第1048577行 [行数]：文件超过 1048576 行的上限：请按部门或项目拆分后分别导入", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Targets_CsvWithThousandsOfBadRows_StopsAtTheErrorLimit()
    {
        var rows = Enumerable.Range(0, 5_000).Select(i => $"2026,南通市科学技术局,项目,数量指标,指标{i},≥个,≥2个,100");
        var path = Write("bad-rows.csv", string.Join("\n", rows.Prepend(FlatHeader)));

        var errors = ReadTargets(path).Errors;

        Assert.Equal(InputLimits.MaxErrors + 1, errors.Count);
        Assert.Equal("bad-rows.csv 第2行 [半年指标值]：项目“项目”指标“指标0”：无法识别的指标值“≥个”：比较符号后应为数字（“≥个”）", errors[0].ToString());
        Assert.Equal("bad-rows.csv 第1001行 [文件]：错误超过 1000 条，已停止检查其余内容：请先改正以上错误后重新导入", errors[^1].ToString());
    }

    [Fact]
    public void Targets_ProjectWithMoreIndicatorsThanTheLimit_IsRefusedOnce()
    {
        var path = _dir.File("huge-project.csv");
        File.WriteAllLines(path, FlatRows(1, 50_000));

        var (tables, errors) = ReadTargets(path);

        Assert.Null(Assert.Single(tables).Table);
        Assert.Equal("huge-project.csv 第1002行 [三级指标]：项目“项目0”的指标超过 1000 个的上限：请检查同一项目的行是否重复", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Targets_TextTableWithAMillionIndicatorRows_IsRefusedInLinearTime()
    {
        // One table whose indicator rows repeat a million times with distinct names: the duplicate check was a list scan.
        var seed = TestFiles.SeedText;
        var secondTitle = seed.IndexOf("南通市本级项目预算绩效目标表", seed.IndexOf("南通市本级项目预算绩效目标表", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
        var rows = new StringBuilder(seed[..secondTitle]);
        for (var i = 0; i < 1_000_000; i++)
            rows.Append("\t\t数量指标\t指标").Append(i).Append("\t≥1个\t≥2个\n");
        var path = Write("million-rows.txt", rows.ToString());

        var (tables, errors) = ReadTargets(path);

        Assert.Null(Assert.Single(tables).Table);
        Assert.Contains(errors, e => e.Message.EndsWith("的指标超过 1000 个的上限：请检查表格是否重复", StringComparison.Ordinal));
    }
}
