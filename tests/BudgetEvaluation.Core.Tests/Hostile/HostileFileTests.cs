using System.IO.Compression;
using System.Text;
using BudgetEvaluation.Core.Import;
using static BudgetEvaluation.Core.Tests.Hostile.HostileFiles;

namespace BudgetEvaluation.Core.Tests.Hostile;

/// <summary>The hostile-file tests measure allocations, so they run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(HostileFileTests), DisableParallelization = true)]
public sealed class HostileFileCollection;

/// <summary>
/// A corpus of broken and hostile files, built at run time, through the target importers (<see cref="TargetFiles"/>:
/// .txt, .csv, .xlsx) and the actuals reader (<see cref="Actuals.ActualsFile"/> then ActualsSet.Match on the seed rules):
/// each ends in a clear Chinese error or a correct result, never an exception, within a generous allocation bound.
/// </summary>
[Collection(nameof(HostileFileTests))]
public sealed partial class HostileFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text, Encoding? encoding = null)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
        return path;
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The seed's twelve tables in the flat form, as an XLSX file.</summary>
    private string SeedXlsx(string name = "targets.xlsx")
    {
        var path = _dir.File(name);
        FlatTableWriter.WriteXlsx(path, TestFiles.ImportSeed().Select(i => i.Table!));
        return path;
    }

    [Theory]
    [InlineData(0.6)]
    [InlineData(0.1)]
    public void Targets_TruncatedXlsx_IsRefusedAsNotAWorkbook(double kept)
    {
        var whole = File.ReadAllBytes(SeedXlsx());
        var path = WriteBytes("truncated.xlsx", whole[..(int)(whole.Length * kept)]);

        var (tables, errors) = ReadTargets(path);

        var error = Assert.Single(errors);
        Assert.Null(Assert.Single(tables).Table);
        Assert.Equal("truncated.xlsx [文件]：无法读取 XLSX 文件：不是有效的 Excel 文件或已损坏（找不到 ZIP 目录，文件可能被截断或不是 XLSX）：请用 Excel 或 WPS 另存为 .xlsx 后重试", error.ToString());
    }

    [Fact]
    public void Actuals_TruncatedXlsx_IsRefusedAsNotAWorkbook()
    {
        var whole = File.ReadAllBytes(SeedXlsx());
        var path = WriteBytes("actuals.xlsx", whole[..(whole.Length / 2)]);

        var (rows, errors) = ReadActuals(path);

        Assert.Empty(rows);
        Assert.Equal("actuals.xlsx [文件]：无法读取 XLSX 文件：不是有效的 Excel 文件或已损坏（找不到 ZIP 目录，文件可能被截断或不是 XLSX）：请用 Excel 或 WPS 另存为 .xlsx 后重试", Assert.Single(errors).ToString());
    }

    /// <summary>A few hundred kilobytes whose sheet expands to 300 MB.</summary>
    private string ZipBomb(string name)
    {
        var path = _dir.File(name);
        WriteXlsx(path, [["项目名称", "三级指标", "实际完成值"]], padding: 300 * MiB);
        return path;
    }

    [Fact]
    public void Targets_ZipBombXlsx_IsRefusedFromItsDirectoryWithoutExpanding()
    {
        var path = ZipBomb("bomb.xlsx");
        Assert.True(new FileInfo(path).Length < 2 * MiB, $"{new FileInfo(path).Length} bytes");

        List<ImportError> errors = [];
        var allocated = Allocated(() => errors = ReadTargets(path).Errors);

        var error = Assert.Single(errors);
        Assert.Equal("文件", error.Field);
        Assert.StartsWith("XLSX 文件解压后超过 100 MB 的上限（“xl/worksheets/sheet1.xml”一项即 ", error.Message);
        Assert.EndsWith("可能是压缩炸弹）：请拆分文件，或另存为 CSV 导入", error.Message);
        Assert.True(allocated < 16 * MiB, $"allocated {allocated / MiB} MiB");
    }

    [Fact]
    public void Actuals_ZipBombXlsx_IsRefusedFromItsDirectoryWithoutExpanding()
    {
        var path = ZipBomb("bomb-actuals.xlsx");

        List<ImportError> errors = [];
        var allocated = Allocated(() => errors = ReadActuals(path).Errors);

        Assert.StartsWith("XLSX 文件解压后超过 100 MB 的上限", Assert.Single(errors).Message);
        Assert.True(allocated < 16 * MiB, $"allocated {allocated / MiB} MiB");
    }

    [Fact]
    public void Xlsx_ThousandsOfZipEntries_AreRefusedBeforeTheDirectoryIsRead()
    {
        var path = _dir.File("entries.xlsx");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            for (var i = 0; i < 1_500; i++)
                zip.CreateEntry($"xl/media/image{i}.png");
        }

        Assert.Equal("entries.xlsx [文件]：XLSX 文件包含 1500 个部件，超过上限 1000 个：不是正常的 Excel 文件", Assert.Single(ReadTargets(path).Errors).ToString());
        Assert.Equal("entries.xlsx [文件]：XLSX 文件包含 1500 个部件，超过上限 1000 个：不是正常的 Excel 文件", Assert.Single(ReadActuals(path).Errors).ToString());
    }

    [Fact]
    public void Targets_XlsxCellReferenceFarPastColumnXfd_IsRefusedNotAllocated()
    {
        var path = _dir.File("far.xlsx");
        WriteXlsx(path, [["项目名称", "三级指标"]], reference: c => c == 0 ? "A" : "ZZZZZZ");

        List<ImportError> errors = [];
        var allocated = Allocated(() => errors = ReadTargets(path).Errors);

        Assert.Equal("far.xlsx 第1行 [文件]：无法读取 XLSX 文件（ColumnIndex 16384 over excel vaild max index.）：请用 Excel 或 WPS 另存为 .xlsx 后重试", Assert.Single(errors).ToString());
        Assert.True(allocated < 64 * MiB, $"allocated {allocated / MiB} MiB");
        Assert.StartsWith("文件无法读取", Assert.Single(ReadActuals(path).Errors).Message);
    }

    [Theory]
    [InlineData("junk.txt")]
    [InlineData("junk.csv")]
    [InlineData("junk.xlsx")]
    [InlineData("junk.tsv")]
    public void Targets_BinaryJunk_IsRefusedWithOneClearError(string name)
    {
        var bytes = new byte[1 << 20];
        new Random(7).NextBytes(bytes);
        var path = WriteBytes(name, bytes);

        var (tables, errors) = ReadTargets(path);

        Assert.All(tables, t => Assert.Null(t.Table));
        var error = Assert.Single(errors);
        Assert.Equal(name, error.File);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", error.Message);
    }

    [Theory]
    [InlineData("junk.csv")]
    [InlineData("junk.xlsx")]
    public void Actuals_BinaryJunk_IsRefusedWithClearErrors(string name)
    {
        var bytes = new byte[1 << 20];
        new Random(11).NextBytes(bytes);
        var path = WriteBytes(name, bytes);

        var (rows, errors) = ReadActuals(path);

        // CSV junk reads as a header without the required columns: each missing column is named.
        Assert.Empty(rows);
        Assert.InRange(errors.Count, 1, 3);
        Assert.All(errors, e => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", e.Message));
    }
}
