using System.Text;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.Sources;

/// <summary>What else lands in a drop folder: JSON, other periods, junk and oversize files.</summary>
public partial class DropFolderSourceTests
{
    [Fact]
    public async Task Pull_MidYearJsonFile_IsStoredForMidYear()
    {
        var departments = await db.SeedAsync(2043);
        using var drop = new DropFolder();
        drop.Write("南通市科学技术局-mid-year.json", PulledActuals.ToJson(ActualsFiles.Text(ActualsFiles.MidYearFile)));
        await using var services = db.Services(drop.Options());
        var source = Source(services);

        var atYearEnd = await source.PullAsync(Request(2043, Science, departments, Period.YearEnd), default);
        var atMidYear = await source.PullAsync(Request(2043, Science, departments, Period.MidYear), default);

        Assert.Empty(atYearEnd);
        Assert.Equal("accepted", Assert.Single(atMidYear).Outcome);
        var rows = await services.GetRequiredService<ActualsStore>().CurrentRowsAsync(2043, Period.MidYear);
        Assert.Equal(179, rows.Count);
        Assert.Equal("850个", rows.Single(r => r.IndicatorPath == "产出指标/数量指标/招引科创项目数").RawValue);
        Assert.Empty(await services.GetRequiredService<ActualsStore>().CurrentRowsAsync(2043, Period.YearEnd));
    }

    [Fact]
    public async Task Pull_BinaryJunkNamedForTheDepartment_IsRejectedWithAReport()
    {
        var departments = await db.SeedAsync(2044);
        using var drop = new DropFolder();
        var junk = Enumerable.Range(0, 4096).Select(i => (byte)(i * 131 % 256)).ToArray();
        drop.Write("南通市科学技术局.xlsx", junk);
        await using var services = db.Services(drop.Options());

        var file = Assert.Single(await Source(services).PullAsync(Request(2044, Science, departments), default));

        Assert.Equal("rejected", file.Outcome);
        var error = Assert.Single(file.Errors);
        Assert.Equal(("南通市科学技术局.xlsx", 0, "文件"), (error.File, error.Line, error.Field));
        Assert.Equal("无法读取 XLSX 文件：不是有效的 Excel 文件或已损坏（找不到 ZIP 目录，文件可能被截断或不是 XLSX）：请用 Excel 或 WPS 另存为 .xlsx 后重试", error.Message);
        Assert.Empty(drop.Files());
        var rejected = drop.Files(drop.Rejected);
        Assert.Equal(junk, await File.ReadAllBytesAsync(Path.Combine(drop.Rejected, rejected[0])));
        var report = await File.ReadAllLinesAsync(Path.Combine(drop.Rejected, rejected[1]), Encoding.UTF8);
        Assert.Equal("南通市科学技术局.xlsx [文件]：无法读取 XLSX 文件：不是有效的 Excel 文件或已损坏（找不到 ZIP 目录，文件可能被截断或不是 XLSX）：请用 Excel 或 WPS 另存为 .xlsx 后重试", report[3]);
        Assert.Equal(0, await db.UploadCountAsync(2044));
    }

    [Fact]
    public async Task Pull_FileOverTheSizeLimit_IsRejectedUnread()
    {
        var departments = await db.SeedAsync(2045);
        using var drop = new DropFolder();
        var bytes = ActualsFiles.Bytes(ActualsFiles.YearEndFile);
        drop.Write("南通市科学技术局.csv", bytes);
        var options = drop.Options();
        options.MaxFileBytes = 1000;
        await using var services = db.Services(options);

        var file = Assert.Single(await Source(services).PullAsync(Request(2045, Science, departments), default));

        Assert.Equal("rejected", file.Outcome);
        Assert.Equal($"文件过大（{bytes.Length} 字节，上限 1000 字节）：请拆分后重新投递", Assert.Single(file.Errors).Message);
        Assert.Equal(2, drop.Files(drop.Rejected).Length);
        Assert.Equal(0, await db.UploadCountAsync(2045));
    }
}
