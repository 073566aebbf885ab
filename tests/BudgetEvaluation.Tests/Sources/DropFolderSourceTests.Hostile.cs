using System.IO.Compression;
using System.Text;
using BudgetEvaluation.Jobs.Sources;
using BudgetEvaluation.Tests.Infrastructure;
using static BudgetEvaluation.Core.Tests.Hostile.HostileFiles;

namespace BudgetEvaluation.Tests.Sources;

/// <summary>
/// The hostile-file corpus of the import tests (BudgetEvaluation.Core.Tests/Hostile) dropped into the folder, all at
/// once, each named for 南通市科学技术局: every file ends in processed/ (the valid ones, stored whole) or in rejected/
/// with a Chinese report beside it, and the pull returns instead of throwing.
/// </summary>
public partial class DropFolderSourceTests
{
    private const string Prefix = "南通市科学技术局-";

    /// <summary>Each hostile file and the line its report must hold (null: the file is valid and must be stored).</summary>
    private static List<(string Name, byte[] Content, string? Error)> HostileCorpus(string folder)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var yearEnd = PulledActuals.YearEndCsv;
        var lines = yearEnd.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        byte[] Xlsx(Action<string> write)
        {
            var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".xlsx");
            write(path);
            var bytes = File.ReadAllBytes(path);
            File.Delete(path);
            return bytes;
        }
        var whole = Xlsx(p => WriteXlsx(p, lines.Select(l => l.Split(',')).Cast<string?[]>()));
        var junk = new byte[1 << 20];
        new Random(11).NextBytes(junk);
        var formula = "=HYPERLINK(\"http://example.invalid\",\"点击\")";
        var tenMegabytes = 10 * 1024 * 1024;
        return
        [
            ("truncated.xlsx", whole[..(whole.Length / 2)],
                "[文件]：无法读取 XLSX 文件：不是有效的 Excel 文件或已损坏（找不到 ZIP 目录，文件可能被截断或不是 XLSX）：请用 Excel 或 WPS 另存为 .xlsx 后重试"),
            ("bomb.xlsx", Xlsx(p => WriteXlsx(p, [["项目名称", "三级指标", "实际完成值"]], padding: 300 * MiB)), "[文件]：XLSX 文件解压后超过 100 MB 的上限"),
            ("entries.xlsx", Xlsx(p =>
            {
                using var zip = ZipFile.Open(p, ZipArchiveMode.Create);
                for (var i = 0; i < 1_500; i++)
                    zip.CreateEntry($"xl/media/image{i}.png");
            }), "[文件]：XLSX 文件包含 1500 个部件，超过上限 1000 个：不是正常的 Excel 文件"),
            ("far.xlsx", Xlsx(p => WriteXlsx(p, [["项目名称", "三级指标"]], reference: c => c == 0 ? "A" : "ZZZZZZ")), "[文件]：文件无法读取（文件内容不符合 Excel 或 CSV 格式）：请确认是有效的 .xlsx 或 .csv 文件"),
            ("junk.xlsx", junk, "[文件]：无法读取 XLSX 文件：不是有效的 Excel 文件或已损坏"),
            ("junk.csv", junk, "第1行 [第1列]：单元格含有控制字符（如 NUL），文件可能已损坏或不是文本"),
            ("big-cell.xlsx", Xlsx(p => WriteXlsx(p, [ActualsHeader.Split(','), ["物业管理费", "产出指标", "数量指标", "物业服务面积", "1", new string('因', tenMegabytes)]])),
                "第2行 [第6列]：单元格长度 10485760 个字符，超过上限 32767 个字符（Excel 单元格的上限）"),
            ("big-cell.csv", Encoding.UTF8.GetBytes(ActualsHeader + "\n物业管理费,产出指标,数量指标,物业服务面积," + new string('1', tenMegabytes) + ",\n"),
                "[文件]：文件过大（10485925 字节，上限 10485760 字节）：请拆分后重新投递"),
            ("million.csv", Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, 1_000_000).Select(i => lines[1 + i % (lines.Count - 1)]).Prepend(lines[0]))),
                "[文件]：文件过大（"),
            ("sjis.csv", Encoding.GetEncoding("shift_jis").GetBytes(yearEnd), "[项目名称]："),
            ("formula.csv", Encoding.UTF8.GetBytes(string.Join("\n",
                    ActualsHeader,
                    "物业管理费,产出指标,数量指标,物业服务面积,=cmd|' /C calc'!A0,",
                    $"物业管理费,产出指标,时效指标,物业服务完成及时性,达成,\"{formula.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")),
                "第2行 [实际完成值]：项目“物业管理费”指标“物业服务面积”：应为数值（目标为“=2517.03平方米”），实际为“=cmd|' /C calc'!A0”"),
            ("duplicate-header.csv", Encoding.UTF8.GetBytes("项目名称,三级指标,实际完成值,实际完成值\n物业管理费,物业服务面积,2517.03,1\n"),
                "第1行 [实际完成值]：表头“实际完成值”重复出现（第3列和第4列）：每列只能出现一次"),
            ("nul.csv", Encoding.UTF8.GetBytes(ActualsHeader + "\n物业管理费,产出指标,数量指标,物业服务面积,25\01,\n"),
                "第2行 [第5列]：单元格含有控制字符（如 NUL），文件可能已损坏或不是文本：请检查后重新保存"),
            ("utf16.csv", new UnicodeEncoding(bigEndian: false, byteOrderMark: true).GetPreamble().Concat(Encoding.Unicode.GetBytes(yearEnd)).ToArray(), null),
            ("rtl.csv", Encoding.UTF8.GetBytes(ActualsHeader + "\n物业管理费,产出指标,数量指标,物业服务面积,２５１７．０３平方米,\u202E说明\u202C\n"), null),
        ];
    }

    [Fact]
    public async Task Pull_HostileCorpus_EachFileIsStoredWholeOrRejectedWithAChineseReport_NoneLost()
    {
        var departments = await db.SeedAsync(2061);
        using var drop = new DropFolder();
        var corpus = HostileCorpus(drop.Path);
        foreach (var (name, content, _) in corpus)
            drop.Write(Prefix + name, content);
        await using var services = db.Services(drop.Options());
        var source = Source(services);

        // Anything but SourceUnavailableException escaping the pull fails the test here.
        var pulled = await source.PullAsync(Request(2061, Science, departments), default);
        var again = await source.PullAsync(Request(2061, Science, departments), default);

        Assert.Empty(again);
        Assert.Equal(corpus.Select(c => Prefix + c.Name).Order(StringComparer.Ordinal), pulled.Select(p => p.FileName).Order(StringComparer.Ordinal));
        // No file left in place, none lost: each is in processed/ or, with its report, in rejected/.
        Assert.Empty(drop.Files());
        var processed = drop.Files(drop.Processed);
        var rejected = drop.Files(drop.Rejected);
        Assert.Equal(corpus.Count, processed.Length + rejected.Count(f => !f.EndsWith(".errors.txt", StringComparison.Ordinal)));
        foreach (var (name, content, error) in corpus)
        {
            var file = pulled.Single(p => p.FileName == Prefix + name);
            if (error is null)
            {
                Assert.True(file.Outcome == PullOutcome.Accepted, $"{name}: {string.Join("; ", file.Errors)}");
                Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(drop.Processed, processed.Single(f => f.EndsWith("-" + Prefix + name, StringComparison.Ordinal)))));
                continue;
            }
            Assert.Equal((PullOutcome.Rejected, (long?)null), (file.Outcome, file.UploadId));
            var moved = rejected.Single(f => f.EndsWith("-" + Prefix + name, StringComparison.Ordinal));
            Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(drop.Rejected, moved)));
            var report = await File.ReadAllLinesAsync(Path.Combine(drop.Rejected, moved + ".errors.txt"), Encoding.UTF8);
            Assert.StartsWith($"实际完成值文件“{Prefix}{name}”未被接收（2061 年度 绩效自评，主管部门“南通市科学技术局”的拉取）：", report[0], StringComparison.Ordinal);
            Assert.EndsWith("个错误，未保存任何数据。", report[0], StringComparison.Ordinal);
            Assert.True(report.Skip(3).Any(l => l.StartsWith(Prefix + name + " ", StringComparison.Ordinal) && l.Contains(error, StringComparison.Ordinal)),
                $"{name}: no line with “{error}” in\n{string.Join("\n", report)}");
            Assert.All(report.Skip(3), l => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", l));
        }
        // Stored whole: the two valid files and nothing of the others.
        Assert.Equal(
            [Prefix + "rtl.csv|1", Prefix + "utf16.csv|179"],
            await Database.QueryAsync<string>(db.ConnectionString,
                """
                SELECT u.file_name || '|' || (SELECT count(*) FROM actual_rows r WHERE r.upload_id = u.id)
                FROM actuals_uploads u WHERE u.year = 2061 ORDER BY u.file_name
                """));
    }
}
