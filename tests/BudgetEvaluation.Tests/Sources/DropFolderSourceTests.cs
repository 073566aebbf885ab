using System.Text;
using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs.Sources;
using BudgetEvaluation.Tests.Infrastructure;
using ClosedXML.Excel;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.Sources;

/// <summary>The drop folder: files taken by name or content, stored like uploads, moved aside, never lost or stored twice.</summary>
public partial class DropFolderSourceTests(SourcesFixture db) : IClassFixture<SourcesFixture>
{
    private const string Science = SourcesFixture.Science;
    private const string Finance = SourcesFixture.Finance;
    private const string TongChuangHui = SourcesFixture.TongChuangHui;

    [Fact]
    public async Task Pull_GoodFileNamedForTheDepartment_StoresItAndMovesItToProcessed()
    {
        var departments = await db.SeedAsync(2031);
        using var drop = new DropFolder();
        var bytes = ActualsFiles.Bytes(ActualsFiles.YearEndFile);
        drop.Write("南通市科学技术局-实际完成值.csv", bytes);
        await using var services = db.Services(drop.Options());

        var pulled = await Source(services).PullAsync(Request(2031, Science, departments), default);

        var file = Assert.Single(pulled);
        Assert.Equal(("drop-folder", "南通市科学技术局-实际完成值.csv", "accepted"), (file.Source, file.FileName, file.Outcome));
        Assert.Empty(file.Errors);
        Assert.Equal(["processed"], Directory.GetDirectories(drop.Path).Select(d => Path.GetFileName(d)!).ToArray());
        Assert.Empty(drop.Files());
        var moved = Assert.Single(drop.Files(drop.Processed));
        Assert.Matches(StampedName(), moved);
        Assert.EndsWith("-南通市科学技术局-实际完成值.csv", moved, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(drop.Processed, moved)));
        var rows = await services.GetRequiredService<ActualsStore>().CurrentRowsAsync(2031, Period.YearEnd);
        Assert.Equal(179, rows.Count);
        Assert.All(rows, r => Assert.Equal(file.UploadId, r.UploadId));
        var count = rows.Single(r => r.IndicatorPath == "产出指标/数量指标/招引科创项目数");
        Assert.Equal("1700个", count.RawValue);
        Assert.Equal("受宏观环境影响，部分项目签约推迟至次年", count.DeviationReason);
        Assert.Equal(["drop-folder|source:drop-folder|南通市科学技术局-实际完成值.csv"], await Database.QueryAsync<string>(db.ConnectionString,
            "SELECT source || '|' || uploaded_by || '|' || file_name FROM actuals_uploads WHERE year = 2031"));
    }

    [Fact]
    public async Task Pull_FileWithBadRows_MovesItToRejectedWithAReportAndStoresNothing()
    {
        var departments = await db.SeedAsync(2032);
        using var drop = new DropFolder();
        var bad = PulledActuals.YearEndCsv
            .Replace("招引科创项目数,1700个,", "招引科创项目数,很多,", StringComparison.Ordinal)
            .Replace("办公设备购置,产出指标,质量指标,设备购置验收合格率,", "办公设备购置,产出指标,质量指标,设备验收合格率,", StringComparison.Ordinal);
        drop.Write("南通市科学技术局-有误.csv", bad);
        await using var services = db.Services(drop.Options());

        var pulled = await Source(services).PullAsync(Request(2032, Science, departments), default);

        var file = Assert.Single(pulled);
        Assert.Equal(("rejected", (long?)null), (file.Outcome, file.UploadId));
        Assert.Equal([("南通市科学技术局-有误.csv", 12, "实际完成值"), ("南通市科学技术局-有误.csv", 43, "三级指标")],
            file.Errors.Select(e => (e.File, e.Line, e.Field)).ToArray());
        Assert.Empty(drop.Files());
        var rejected = drop.Files(drop.Rejected);
        Assert.Equal(2, rejected.Length);
        Assert.Matches(StampedName(), rejected[0]);
        Assert.EndsWith("-南通市科学技术局-有误.csv", rejected[0], StringComparison.Ordinal);
        Assert.Equal(rejected[0] + ".errors.txt", rejected[1]);
        Assert.Equal(Encoding.UTF8.GetBytes(bad), await File.ReadAllBytesAsync(Path.Combine(drop.Rejected, rejected[0])));
        var report = await File.ReadAllLinesAsync(Path.Combine(drop.Rejected, rejected[1]), Encoding.UTF8);
        Assert.Equal("实际完成值文件“南通市科学技术局-有误.csv”未被接收（2032 年度 绩效自评，主管部门“南通市科学技术局”的拉取）：2 个错误，未保存任何数据。", report[0]);
        Assert.Equal("南通市科学技术局-有误.csv 第12行 [实际完成值]：项目““通创荟”和科技招商经费专项”指标“招引科创项目数”：应为数值（目标为“≥1800个”），实际为“很多”", report[3]);
        Assert.StartsWith("南通市科学技术局-有误.csv 第43行 [三级指标]：项目“办公设备购置”没有三级指标“设备验收合格率”；最接近的是：“设备购置验收合格率”", report[4], StringComparison.Ordinal);
        Assert.Equal(5, report.Length);
        Assert.Equal(0, await db.UploadCountAsync(2032));
    }

    [Fact]
    public async Task Pull_XlsxNamingItsDepartmentInTheRows_IsTakenOnlyByThatDepartment()
    {
        var departments = await db.SeedAsync(2033, split: true);
        using var drop = new DropFolder();
        drop.Write("export.xlsx", Xlsx(PulledActuals.WithDepartment(PulledActuals.OnlyProject(PulledActuals.YearEndCsv, TongChuangHui), Finance)));
        await using var services = db.Services(drop.Options());
        var source = Source(services);

        var atScience = await source.PullAsync(Request(2033, Science, departments), default);
        var leftInFolder = drop.Files();
        var atFinance = await source.PullAsync(Request(2033, Finance, departments), default);

        Assert.Empty(atScience);
        Assert.Equal(["export.xlsx"], leftInFolder);
        var file = Assert.Single(atFinance);
        Assert.Equal(("export.xlsx", "accepted"), (file.FileName, file.Outcome));
        Assert.Empty(drop.Files());
        Assert.EndsWith("-export.xlsx", Assert.Single(drop.Files(drop.Processed)), StringComparison.Ordinal);
        var rows = await services.GetRequiredService<ActualsStore>().CurrentRowsAsync(2033, Period.YearEnd, departments[Finance]);
        Assert.Equal(15, rows.Count);
        Assert.Equal("1700个", rows.Single(r => r.IndicatorPath == "产出指标/数量指标/招引科创项目数").RawValue);
        Assert.Equal("130", rows.Single(r => r.IndicatorPath == "项目资金/执行数").RawValue);
    }

    [Fact]
    public async Task Pull_FileWithoutDepartmentColumn_BelongsToTheDepartmentOfItsProjects()
    {
        var departments = await db.SeedAsync(2034, split: true);
        using var drop = new DropFolder();
        drop.Write("实际完成值.csv", PulledActuals.WithoutProject(PulledActuals.YearEndCsv, TongChuangHui));
        await using var services = db.Services(drop.Options());
        var source = Source(services);

        var atFinance = await source.PullAsync(Request(2034, Finance, departments), default);
        var atScience = await source.PullAsync(Request(2034, Science, departments), default);

        Assert.Empty(atFinance);
        var file = Assert.Single(atScience);
        Assert.Equal("accepted", file.Outcome);
        Assert.Equal(164, (await services.GetRequiredService<ActualsStore>().CurrentRowsAsync(2034, Period.YearEnd, departments[Science])).Count);
    }

    [Fact]
    public async Task Pull_FileOfNoKnownDepartment_IsRejectedSayingTheDepartmentIsUnknown()
    {
        var departments = await db.SeedAsync(2035);
        using var drop = new DropFolder();
        drop.Write("export.csv", PulledActuals.WithDepartment(PulledActuals.YearEndCsv, "南通市教育局"));
        await using var services = db.Services(drop.Options());

        var pulled = await Source(services).PullAsync(Request(2035, Science, departments), default);

        var file = Assert.Single(pulled);
        Assert.Equal(("export.csv", "rejected"), (file.FileName, file.Outcome));
        var error = Assert.Single(file.Errors);
        Assert.Equal(("export.csv", 0, "主管部门"), (error.File, error.Line, error.Field));
        Assert.Equal("无法确定文件所属的主管部门：文件名不含任何主管部门的名称，“主管部门”列为“南通市教育局”，不是已知的主管部门。"
            + "请在文件名中写明主管部门（如“某某局-实际完成值.xlsx”），或在每行的“主管部门”列填写", error.Message);
        Assert.Empty(drop.Files());
        var rejected = drop.Files(drop.Rejected);
        Assert.Equal(2, rejected.Length);
        var report = await File.ReadAllLinesAsync(Path.Combine(drop.Rejected, rejected[1]), Encoding.UTF8);
        Assert.StartsWith("export.csv [主管部门]：无法确定文件所属的主管部门", report[3], StringComparison.Ordinal);
        Assert.Equal(0, await db.UploadCountAsync(2035));
    }

    [Fact]
    public async Task Pull_SameFileDroppedAgain_IsUnchangedAndStoresNoNewVersion()
    {
        var departments = await db.SeedAsync(2036);
        using var drop = new DropFolder();
        var bytes = ActualsFiles.Bytes(ActualsFiles.YearEndFile);
        await using var services = db.Services(drop.Options());
        var source = Source(services);

        drop.Write("南通市科学技术局.csv", bytes);
        var first = Assert.Single(await source.PullAsync(Request(2036, Science, departments), default));
        drop.Write("南通市科学技术局.csv", bytes);
        var second = Assert.Single(await source.PullAsync(Request(2036, Science, departments), default));

        Assert.Equal("accepted", first.Outcome);
        Assert.Equal(("unchanged", first.UploadId), (second.Outcome, second.UploadId));
        Assert.Empty(second.Errors);
        Assert.Equal(1, await db.UploadCountAsync(2036));
        Assert.Empty(drop.Files());
        Assert.Equal(2, drop.Files(drop.Processed).Length);
    }

    [Fact]
    public async Task Pull_ChangedFileDroppedAgain_StoresANewVersionThatIsCurrent()
    {
        var departments = await db.SeedAsync(2037);
        using var drop = new DropFolder();
        await using var services = db.Services(drop.Options());
        var source = Source(services);

        drop.Write("南通市科学技术局.csv", PulledActuals.YearEndCsv);
        var first = Assert.Single(await source.PullAsync(Request(2037, Science, departments), default));
        drop.Write("南通市科学技术局.csv", PulledActuals.YearEndCsv.Replace("招引科创项目数,1700个,", "招引科创项目数,1750个,", StringComparison.Ordinal));
        var second = Assert.Single(await source.PullAsync(Request(2037, Science, departments), default));

        Assert.Equal(("accepted", "accepted"), (first.Outcome, second.Outcome));
        Assert.NotEqual(first.UploadId, second.UploadId);
        var rows = await services.GetRequiredService<ActualsStore>().CurrentRowsAsync(2037, Period.YearEnd);
        Assert.Equal("1750个", rows.Single(r => r.IndicatorPath == "产出指标/数量指标/招引科创项目数").RawValue);
        Assert.Equal(2, await db.UploadCountAsync(2037));
    }

    [Fact]
    public async Task Pull_FilesStillBeingWrittenOrForTheOtherPeriod_AreLeftInTheFolder()
    {
        var departments = await db.SeedAsync(2038);
        using var drop = new DropFolder();
        var old = DateTime.UtcNow.AddHours(-2);
        foreach (var name in new[] { "南通市科学技术局.csv.part", "南通市科学技术局.tmp", "~$南通市科学技术局.xlsx", "南通市科学技术局-mid-year.csv", "南通市科学技术局-2030.csv" })
            File.SetLastWriteTimeUtc(drop.Write(name, PulledActuals.YearEndCsv), old);
        drop.Write("南通市科学技术局-刚写入.csv", PulledActuals.YearEndCsv);
        await using var services = db.Services(drop.Options(o => o.SettleTime = TimeSpan.FromHours(1)));

        var pulled = await Source(services).PullAsync(Request(2038, Science, departments), default);

        Assert.Empty(pulled);
        Assert.Equal(6, drop.Files().Length);
        Assert.Equal(0, await db.UploadCountAsync(2038));
    }

    [Fact]
    public async Task Pull_TwoWorkersAtOnce_StoreTheFileOnce()
    {
        var departments = await db.SeedAsync(2039);
        using var drop = new DropFolder();
        drop.Write("南通市科学技术局.csv", PulledActuals.YearEndCsv);
        await using var one = db.Services(drop.Options());
        await using var two = db.Services(drop.Options());

        var pulls = await Task.WhenAll(
            Source(one).PullAsync(Request(2039, Science, departments), default),
            Source(two).PullAsync(Request(2039, Science, departments), default));

        Assert.Equal(["accepted"], pulls.SelectMany(p => p).Select(f => f.Outcome).ToArray());
        Assert.Equal(1, await db.UploadCountAsync(2039));
        Assert.Single(drop.Files(drop.Processed));
    }

    [Fact]
    public async Task Pull_MissingFolder_ThrowsSourceUnavailable()
    {
        var departments = await db.SeedAsync(2040);
        using var drop = new DropFolder();
        await using var services = db.Services(drop.Options(o => o.Path = Path.Combine(drop.Path, "nicht-da")));

        var ex = await Assert.ThrowsAsync<SourceUnavailableException>(() => Source(services).PullAsync(Request(2040, Science, departments), default));

        Assert.Equal("drop-folder", ex.SourceName);
        Assert.Equal($"投递文件夹“{Path.Combine(drop.Path, "nicht-da")}”不存在或无法读取（文件夹不存在）", ex.Message);
    }

    internal static IActualsSource Source(IServiceProvider services) =>
        Assert.Single(services.GetServices<IActualsSource>(), s => s.Name == "drop-folder");

    internal static PullRequest Request(int year, string department, IReadOnlyDictionary<string, long> departments, Period period = Period.YearEnd) =>
        new(RunId: 1, year, period, departments[department], department);

    /// <summary>An XLSX with the CSV's cells as text.</summary>
    private static byte[] Xlsx(string csv)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("实际完成值");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var r = 0; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            for (var c = 0; c < cells.Length; c++)
                sheet.Cell(r + 1, c + 1).SetValue(cells[c]);
        }
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    [GeneratedRegex(@"^\d{8}T\d{9}Z-")]
    private static partial Regex StampedName();
}
