using System.Text;

namespace BudgetEvaluation.Core.Tests.Import;

public sealed partial class ImportRobustnessTests
{
    [Fact]
    public void Import_EmptyFile_ReportsNoTable()
    {
        var import = Assert.Single(TestFiles.ImportBytes([]));

        AssertClearErrors(import, lineKnown: false);
        Assert.Contains("没有找到", Assert.Single(import.Errors).Message);
    }

    [Fact]
    public void Import_WhitespaceOnlyFile_ReportsNoTable()
    {
        var import = Assert.Single(TestFiles.ImportBytes(Encoding.UTF8.GetBytes("\n \t\r\n\n")));

        AssertClearErrors(import, lineKnown: false);
    }

    [Fact]
    public void Import_BinaryJunk_ReportsOneClearError()
    {
        // A deterministic kilobyte of noise, as when someone uploads a .xls or an image under a .txt name.
        var junk = new byte[4096];
        new Random(20260630).NextBytes(junk);

        var import = Assert.Single(TestFiles.ImportBytes(junk));

        AssertClearErrors(import);
        var error = Assert.Single(import.Errors);
        Assert.Equal("文件格式", error.Field);
    }

    [Fact]
    public void Import_ZipArchiveNamedTxt_ReportsOneClearError()
    {
        // An .xlsx is a zip: PK header, then binary.
        byte[] bytes = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, .. Encoding.ASCII.GetBytes("[Content_Types].xml"), 0x00, 0x00, 0xFF, 0xFE];

        var import = Assert.Single(TestFiles.ImportBytes(bytes));

        AssertClearErrors(import);
        Assert.Equal("文件格式", Assert.Single(import.Errors).Field);
    }

    [Fact]
    public void Import_InvalidUtf8AfterTheFirst64KiB_ReportsTheEncodingError()
    {
        // The encoding is judged on the first 64 KiB; a broken byte further on must not throw out of the reader.
        var seed = Encoding.UTF8.GetBytes(TestFiles.SeedText);
        byte[] bytes = [.. seed, .. seed, 0xFF, 0xFE, 0x0A];

        var imports = TestFiles.ImportBytes(bytes);

        AssertClearErrors(imports[^1]);
        Assert.Contains(imports[^1].Errors, e => e.Field == "文件编码");
    }
}
