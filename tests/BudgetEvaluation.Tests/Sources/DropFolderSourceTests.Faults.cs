using System.Text;
using BudgetEvaluation.Jobs.Sources;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.Sources;

/// <summary>A drop folder that cannot be written: the file stays where it was, nothing is stored twice or half.</summary>
public partial class DropFolderSourceTests
{
    [Fact]
    public async Task Pull_ReadOnlyDropFolder_StoresOnceKeepsTheFileAndSaysWhy()
    {
        var departments = await db.SeedAsync(2041);
        using var drop = new DropFolder();
        var bytes = ActualsFiles.Bytes(ActualsFiles.YearEndFile);
        drop.Write("南通市科学技术局.csv", bytes);
        var (readOnly, options) = Unwritable(drop);
        await using var services = db.Services(options);
        var source = Source(services);
        var request = Request(2041, Science, departments);
        PulledFile first, second;

        using (readOnly)
        {
            first = Assert.Single(await source.PullAsync(request, default));
            second = Assert.Single(await source.PullAsync(request, default));
            Assert.Equal(["南通市科学技术局.csv"], drop.Files());
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(drop.Path, "南通市科学技术局.csv")));
        }
        var writable = Assert.Single(await source.PullAsync(request, default));

        Assert.Equal("accepted", first.Outcome);
        var error = Assert.Single(first.Errors);
        Assert.Equal(("南通市科学技术局.csv", 0, "文件"), (error.File, error.Line, error.Field));
        Assert.StartsWith($"无法移入文件夹“{ProcessedOf(options)}”（", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"）：文件留在投递文件夹中，未丢失；数据已保存（上传 {first.UploadId}），再次拉取不会重复保存", error.Message, StringComparison.Ordinal);
        Assert.Equal(("unchanged", first.UploadId), (second.Outcome, second.UploadId));
        Assert.Equal(("unchanged", first.UploadId), (writable.Outcome, writable.UploadId));
        Assert.Empty(writable.Errors);
        Assert.Empty(drop.Files());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(ProcessedOf(options), Assert.Single(drop.Files(ProcessedOf(options))))));
        Assert.Equal(1, await db.UploadCountAsync(2041));
    }

    [Fact]
    public async Task Pull_BadFileInReadOnlyDropFolder_StaysWithoutAReportAndStoresNothing()
    {
        var departments = await db.SeedAsync(2042);
        using var drop = new DropFolder();
        var bad = Encoding.UTF8.GetBytes(PulledActuals.YearEndCsv.Replace("招引科创项目数,1700个,", "招引科创项目数,很多,", StringComparison.Ordinal));
        drop.Write("南通市科学技术局.csv", bad);
        var (readOnly, options) = Unwritable(drop);
        await using var services = db.Services(options);
        PulledFile pulled;

        using (readOnly)
            pulled = Assert.Single(await Source(services).PullAsync(Request(2042, Science, departments), default));

        Assert.Equal("rejected", pulled.Outcome);
        Assert.Equal([(12, "实际完成值"), (0, "文件")], pulled.Errors.Select(e => (e.Line, e.Field)).ToArray());
        Assert.StartsWith($"无法移入文件夹“{RejectedOf(options)}”（", pulled.Errors[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("）：文件留在投递文件夹中，未丢失", pulled.Errors[1].Message, StringComparison.Ordinal);
        Assert.Equal(["南通市科学技术局.csv"], drop.Files());
        Assert.Equal(bad, await File.ReadAllBytesAsync(Path.Combine(drop.Path, "南通市科学技术局.csv")));
        Assert.Empty(drop.Files(RejectedOf(options)));
        Assert.Equal(0, await db.UploadCountAsync(2042));
    }

    [Fact]
    public async Task Pull_ProcessedFolderOnAFullDisk_LeavesNoHalfCopyAndKeepsTheFile()
    {
        // Only root can mount a small file system to fill (CI runs as root); an ordinary user's run relies on the
        // read-only tests, which take the same path. As root, a failed mount is a failure, not a skip.
        if (!FullDisk.CanMount)
            return;
        var (disk, reason) = FullDisk.TryMount();
        Assert.True(disk is not null, $"cannot simulate a full disk: {reason}");
        using var mounted = disk;
        var departments = await db.SeedAsync(2046);
        using var drop = new DropFolder();
        var bytes = ActualsFiles.Bytes(ActualsFiles.YearEndFile);
        drop.Write("南通市科学技术局.csv", bytes);
        await using var services = db.Services(drop.Options(o => o.ProcessedPath = disk.Path));

        var file = Assert.Single(await Source(services).PullAsync(Request(2046, Science, departments), default));

        Assert.Equal("accepted", file.Outcome);
        Assert.Equal($"无法移入文件夹“{disk.Path}”（磁盘已满）：文件留在投递文件夹中，未丢失；数据已保存（上传 {file.UploadId}），再次拉取不会重复保存",
            Assert.Single(file.Errors).Message);
        Assert.Equal(["南通市科学技术局.csv"], drop.Files());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(drop.Path, "南通市科学技术局.csv")));
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
        Assert.Equal(1, await db.UploadCountAsync(2046));
    }

    /// <summary>
    /// The drop folder made unwritable (<see cref="ReadOnlyFolder"/>); where this process can write whatever the mode
    /// and chattr is missing, processed/ and rejected/ are paths of a regular file instead, which no move can enter.
    /// </summary>
    private static (IDisposable? ReadOnly, SourcesOptions Options) Unwritable(DropFolder drop)
    {
        if (ReadOnlyFolder.TryMake(drop.Path) is { } readOnly)
            return (readOnly, drop.Options());
        // A dot-file: the source never takes it for a dropped file.
        var blocked = Path.Combine(drop.Path, ".blocked");
        var options = drop.Options(o =>
        {
            o.ProcessedPath = Path.Combine(blocked, "processed");
            o.RejectedPath = Path.Combine(blocked, "rejected");
        });
        File.WriteAllText(blocked, "");
        return (new Deleting(blocked), options);
    }

    private static string ProcessedOf(SourcesOptions options) => options.DropFolder.ProcessedPath ?? Path.Combine(options.DropFolder.Path, "processed");

    private static string RejectedOf(SourcesOptions options) => options.DropFolder.RejectedPath ?? Path.Combine(options.DropFolder.Path, "rejected");

    private sealed class Deleting(string path) : IDisposable
    {
        public void Dispose() => File.Delete(path);
    }
}
